Feature: StatefulSets give each pod a stable identity
  A StatefulSet names its pods <set>-0, <set>-1, ... and gives each one a
  hostname under its headless service and its own PersistentVolumeClaims,
  made from volumeClaimTemplates and named <template>-<set>-<ordinal>. With
  the default OrderedReady policy it creates pods one at a time, each once
  the one before is Running and Ready, and removes them from the highest
  ordinal down. A replaced pod gets the same name and the same claims.

  Background:
    Given a cluster with 3 nodes
    And the following manifest is applied:
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        clusterIP: None
        selector:
          app: web
        ports:
          - port: 80
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: web
      spec:
        serviceName: web
        replicas: 3
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
            annotations:
              kubecuke.io/ready-after: "10s"
          spec:
            containers:
              - name: nginx
                image: nginx:1.27
                readinessProbe:
                  httpGet:
                    path: /
                    port: 80
                  periodSeconds: 1
        volumeClaimTemplates:
          - metadata:
              name: www
            spec:
              accessModes: [ReadWriteOnce]
              resources:
                requests:
                  storage: 1Gi
      """

  Scenario: pods are created one at a time, in ordinal order
    # Each pod waits a moment for its claim's volume (WaitForFirstConsumer) before it is scheduled.
    Then within 5 seconds pod "web-0" is running
    And the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-1
      """
    When 15 seconds pass
    Then pod "web-1" is running
    And the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-2
      """
    And within 30 seconds the statefulset "web" has 3 ready replicas

  Scenario: each pod has a stable hostname and its own claim
    When 1 minute passes
    Then the cluster contains:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-1
        labels:
          statefulset.kubernetes.io/pod-name: web-1
          apps.kubernetes.io/pod-index: "1"
      spec:
        hostname: web-1
        subdomain: web
        volumes:
          - name: www
            persistentVolumeClaim:
              claimName: www-web-1
      """
    And the cluster contains:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: www-web-2
        labels:
          app: web
      """

  Scenario: a deleted pod comes back with the same name and the same claim
    When 1 minute passes
    And I delete pod "web-1"
    Then within 1 minute pod "web-1" is running
    And the cluster contains:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-1
      spec:
        volumes:
          - name: www
            persistentVolumeClaim:
              claimName: www-web-1
      """
    And the cluster invariants hold

  Scenario: scaling down removes the highest ordinals first and keeps their claims
    When 1 minute passes
    And I scale the statefulset "web" to 1 replica
    Then within 2 minutes 1 pod of statefulset "web" is running
    And pod "web-0" is running
    And the cluster contains:
      """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: www-web-2
      """
    And the cluster invariants hold

  Scenario: an ordered scale-down waits while a pod below the one to remove is not running
    # processCondemned removes the highest ordinal only once it is Running and Ready, or when it is
    # the first unhealthy pod: here db-1 never runs (db-0 holds the host port) and db-0 is pending.
    Given the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      spec:
        serviceName: db
        replicas: 2
        selector:
          matchLabels:
            app: db
        template:
          metadata:
            labels:
              app: db
          spec:
            nodeSelector:
              kubernetes.io/hostname: node-1
            containers:
              - name: db
                image: nginx:1.27
                ports:
                  - containerPort: 80
                    hostPort: 8080
      """
    And 1 minute passes
    And pod "db-0" is running
    And pod "db-1" is pending
    When I cordon node "node-1"
    And I delete pod "db-0"
    And 1 minute passes
    Then pod "db-0" is pending
    When I scale the statefulset "db" to 0 replicas
    And 5 minutes pass
    Then pod "db-1" is pending
    And pod "db-0" is pending
    # Once db-0 runs again, db-1 is the first unhealthy pod: it goes, then db-0.
    When I uncordon node "node-1"
    Then within 2 minutes the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: db-0
      """
    And the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: db-1
      """

  Scenario: Parallel pod management starts every pod at once
    Given the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: cache
      spec:
        serviceName: cache
        replicas: 3
        podManagementPolicy: Parallel
        selector:
          matchLabels:
            app: cache
        template:
          metadata:
            labels:
              app: cache
          spec:
            containers:
              - name: redis
                image: redis:7
      """
    Then 3 pods of statefulset "cache" are running
