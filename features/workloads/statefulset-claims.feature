Feature: What happens to a StatefulSet's claims
  By default a StatefulSet's PersistentVolumeClaims outlive its pods: they
  stay when it is scaled down or deleted, so the data is there when a pod of
  that ordinal comes back. persistentVolumeClaimRetentionPolicy changes
  that: whenScaled Delete removes the claims of ordinals that scale-down
  removed, whenDeleted Delete removes all claims with the StatefulSet.

  Background:
    Given a cluster with 2 nodes
    And the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      spec:
        serviceName: db
        replicas: 3
        persistentVolumeClaimRetentionPolicy:
          whenScaled: Delete
          whenDeleted: Delete
        selector:
          matchLabels:
            app: db
        template:
          metadata:
            labels:
              app: db
          spec:
            containers:
              - name: redis
                image: redis:7
        volumeClaimTemplates:
          - metadata:
              name: data
            spec:
              accessModes: [ReadWriteOnce]
              resources:
                requests:
                  storage: 1Gi
      """
    And within 30 seconds the statefulset "db" has 3 ready replicas

  Scenario: the claims of removed ordinals go with them
    When I scale the statefulset "db" to 1 replica
    Then within 1 minute the cluster does not contain:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data-db-2
      """
    And the cluster contains:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data-db-0
        ownerReferences:
          - kind: StatefulSet
            name: db
      """

  Scenario: deleting the StatefulSet deletes its claims
    When I delete the statefulset "db"
    Then within 1 minute the cluster does not contain:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        labels:
          app: db
      """
