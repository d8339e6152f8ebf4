Feature: Memory limits, node memory pressure and the pod limit
  A container whose memory use goes over its limit is killed by the kernel:
  OOMKilled, exit code 137, and restarted like any exited container. When the
  node itself runs low (memory.available under the kubelet's default 100Mi
  threshold) the kubelet reports MemoryPressure, the node lifecycle
  controller taints the node, and the kubelet evicts pods, one at a time:
  first the pods using more than they request, then the lower priority, then
  the largest use beyond requests. An evicted pod is Failed, with reason
  Evicted. A node runs at most 110 pods.

  Scenario: a container over its memory limit is OOMKilled, and recovers when it uses less
    Given a cluster with 1 node
    And the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: api
      spec:
        containers:
          - name: app
            image: nginx:1.27
            resources:
              requests:
                memory: 128Mi
              limits:
                memory: 256Mi
      """
    Then the QoS class of pod "api" is "Burstable"
    When container "app" of pod "api" uses 300Mi memory
    # Killed at once; the first restart is immediate, the second waits 10 s.
    Then pod "api" was OOMKilled
    And pod "api" is in CrashLoopBackOff
    And the cluster contains:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: api
      status:
        containerStatuses:
          - name: app
            restartCount: 1
            lastState:
              terminated:
                exitCode: 137
                reason: OOMKilled
      """
    When container "app" of pod "api" uses 200Mi memory
    Then within 10 seconds the status of pod "api" is "Running"
    And for 10 minutes the containers of pod "api" have restarted 2 times

  Scenario: the usage annotation makes a container use memory from its start
    Given a cluster with 1 node
    And the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: leaky
        annotations:
          kubecuke.io/memory-usage: 1Gi
      spec:
        restartPolicy: Never
        containers:
          - name: app
            image: nginx:1.27
            resources:
              limits:
                memory: 512Mi
      """
    Then pod "leaky" is failed
    And the status of pod "leaky" is "OOMKilled"

  Scenario Outline: QoS classes
    Given a cluster with 1 node
    And the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
      spec:
        containers:
          - name: app
            image: nginx:1.27
            resources: <resources>
      """
    Then the QoS class of pod "app" is "<class>"

    Examples:
      | resources                                                                               | class      |
      | {}                                                                                      | BestEffort |
      | {requests: {cpu: 100m}}                                                                 | Burstable  |
      | {limits: {cpu: 500m, memory: 256Mi}}                                                    | Guaranteed |
      | {requests: {cpu: 500m, memory: 256Mi}, limits: {cpu: 500m, memory: 256Mi}}              | Guaranteed |
      | {requests: {cpu: 250m, memory: 256Mi}, limits: {cpu: 500m, memory: 256Mi}}              | Burstable  |

  Scenario: under memory pressure the kubelet evicts the pod most over its requests
    # A 4Gi node. Use: db 900Mi of its 1Gi request, cache 1Gi of 512Mi, hog 3Gi
    # of nothing: 4996Mi in all, so memory.available is -900Mi. Both cache and
    # hog use more than they request; hog is further over, so it goes first,
    # at the eviction manager's next look (every 10 s).
    Given a cluster with the following nodes:
      | name   | cpu | memory |
      | node-1 | 4   | 4Gi    |
    And the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: db
      spec:
        containers:
          - name: postgres
            image: postgres:17
            env:
              - name: POSTGRES_PASSWORD
                value: s3cret
            resources:
              requests: {cpu: 500m, memory: 1Gi}
              limits: {cpu: 500m, memory: 1Gi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: cache
      spec:
        containers:
          - name: redis
            image: redis:7.4
            resources:
              requests: {memory: 512Mi}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: hog
      spec:
        containers:
          - name: app
            image: nginx:1.27
      """
    When container "postgres" of pod "db" uses 900Mi memory
    And container "redis" of pod "cache" uses 1Gi memory
    And container "app" of pod "hog" uses 3Gi memory
    Then within 10 seconds pod "hog" was evicted because "The node was low on resource: memory. Threshold quantity: 100Mi, available: -900Mi. Container app was using 3Gi, request is 0, has larger consumption of memory."
    And pod "hog" is failed
    # kubectl shows how its container ended: nginx exits cleanly on SIGTERM.
    And the status of pod "hog" is "Completed"
    And pod "hog" has the condition "DisruptionTarget" because "TerminationByKubelet"
    And the event "Evicted" was recorded for pod "hog"
    And pod "db" is running
    And pod "cache" is running
    And within 10 seconds node "node-1" has the condition "MemoryPressure"
    And node "node-1" is tainted "node.kubernetes.io/memory-pressure:NoSchedule"
    # The condition outlasts the pressure by the 5 minute transition period.
    And for 4 minutes node "node-1" has the condition "MemoryPressure"
    And within 70 seconds node "node-1" does not have the condition "MemoryPressure"
    And within 10 seconds node "node-1" is not tainted "node.kubernetes.io/memory-pressure:NoSchedule"
    And pod "cache" is running

  Scenario: a node runs at most 110 pods
    Given a cluster with 1 node
    And the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: many
      spec:
        replicas: 111
        selector:
          matchLabels:
            app: many
        template:
          metadata:
            labels:
              app: many
          spec:
            containers:
              - name: pause
                image: registry.k8s.io/pause:3.10
      """
    Then 110 pods of deployment "many" are running
    And the event "FailedScheduling" was recorded for a pod of deployment "many"
    And the cluster invariants hold
