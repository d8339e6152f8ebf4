Feature: Persistent volumes and claims
  A PersistentVolumeClaim asks for storage; the PersistentVolume controller
  binds it to a volume that is large enough and offers its access modes,
  the smallest such volume first. When no volume fits and the claim names
  a StorageClass, the class's provisioner makes one. A claim that names no
  class gets the default class, `standard` here as in kind, which waits for
  the first pod using the claim (WaitForFirstConsumer). When a claim is
  deleted, its volume is deleted (reclaimPolicy Delete) or kept as Released
  (Retain); a claim still used by a pod is kept until the pod is gone. A
  generic ephemeral volume gets its own claim, owned by its pod.

  Background:
    Given a cluster with 2 nodes

  Scenario: a static volume is bound to a matching claim
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: PersistentVolume
      metadata:
        name: small
      spec:
        capacity:
          storage: 2Gi
        accessModes: [ReadWriteOnce]
        persistentVolumeReclaimPolicy: Retain
        hostPath:
          path: /data/small
      ---
      apiVersion: v1
      kind: PersistentVolume
      metadata:
        name: large
      spec:
        capacity:
          storage: 20Gi
        accessModes: [ReadWriteOnce]
        persistentVolumeReclaimPolicy: Retain
        hostPath:
          path: /data/large
      """
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: ""
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 1Gi
      """
    Then the persistent volume claim "data" is bound
    And the cluster contains:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        volumeName: small
      status:
        capacity:
          storage: 2Gi
      """
    When I delete the persistentvolumeclaim "data"
    Then the cluster contains:
      """
      apiVersion: v1
      kind: PersistentVolume
      metadata:
        name: small
      status:
        phase: Released
      """

  Scenario: a storage class provisions a volume for a claim
    Given the following manifest is applied:
      """
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: fast
      provisioner: ebs.csi.aws.com
      reclaimPolicy: Delete
      volumeBindingMode: Immediate
      """
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: fast
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 5Gi
      """
    Then the persistent volume claim "data" is bound
    And the event "ProvisioningSucceeded" was recorded for the persistentvolumeclaim "data"
    And the cluster contains:
      """
      apiVersion: v1
      kind: PersistentVolume
      spec:
        storageClassName: fast
        persistentVolumeReclaimPolicy: Delete
        capacity:
          storage: 5Gi
        claimRef:
          name: data
      status:
        phase: Bound
      """
    When I delete the persistentvolumeclaim "data"
    Then the cluster does not contain:
      """
      apiVersion: v1
      kind: PersistentVolume
      spec:
        storageClassName: fast
      """

  Scenario: the default class waits for the first consumer
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 1Gi
      """
    Then the persistent volume claim "data" is pending
    And the cluster contains:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: standard
      """
    And the event "WaitForFirstConsumer" was recorded for the persistentvolumeclaim "data"

  Scenario: a claim in use is deleted only once its pod is gone
    Given the following manifest is applied:
      """
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: fast
      provisioner: ebs.csi.aws.com
      volumeBindingMode: Immediate
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: fast
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 1Gi
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: db
      spec:
        containers:
          - name: db
            image: postgres:16
            env:
              - name: POSTGRES_PASSWORD
                value: secret
            volumeMounts:
              - name: data
                mountPath: /var/lib/postgresql/data
        volumes:
          - name: data
            persistentVolumeClaim:
              claimName: data
      """
    When I delete the persistentvolumeclaim "data"
    Then for 1 minute the cluster contains:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
        finalizers: [kubernetes.io/pvc-protection]
      """
    When I delete pod "db"
    Then within 1 minute the cluster does not contain:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      """

  Scenario: a generic ephemeral volume gets a claim that lives and dies with its pod
    Given the following manifest is applied:
      """
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: fast
      provisioner: ebs.csi.aws.com
      volumeBindingMode: Immediate
      """
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: scratch
      spec:
        containers:
          - name: app
            image: nginx:1.27
            volumeMounts:
              - name: cache
                mountPath: /cache
        volumes:
          - name: cache
            ephemeral:
              volumeClaimTemplate:
                spec:
                  storageClassName: fast
                  accessModes: [ReadWriteOnce]
                  resources:
                    requests:
                      storage: 1Gi
      """
    Then the persistent volume claim "scratch-cache" is bound
    And the cluster contains:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: scratch-cache
        ownerReferences:
          - kind: Pod
            name: scratch
            controller: true
      """
    When I delete pod "scratch"
    Then within 1 minute the cluster does not contain:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: scratch-cache
      """
