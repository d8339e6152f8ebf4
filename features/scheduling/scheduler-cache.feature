Feature: The scheduler decides on what its cache shows
  kube-scheduler filters nodes against its own cache of pods and nodes, not
  against the API server: a pod it assumed on a node while the pod's volume
  is provisioned there is in the cache as if bound, and a pod it has just
  asked the API server to delete is still in the cache, as it was, until
  the watch tells it otherwise.

  # With a WaitForFirstConsumer claim the scheduler assumes the pod on the
  # node it picked and waits for the volume there before it binds. Here the
  # second cache pod may not share node-1 with the first (required
  # anti-affinity per hostname), which is still waiting for its volume
  # there, so the only place left is node-2, too small until a
  # lower-priority pod goes: the scheduler preempts it.
  Scenario: a pod preempts on the one node its anti-affinity leaves it
    Given a cluster with the following nodes:
      | name   | cpu | memory |
      | node-1 | 4   | 8Gi    |
      | node-2 | 4   | 2Gi    |
    And the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: web
      spec:
        serviceName: web
        replicas: 2
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
          spec:
            containers:
              - name: app
                image: nginx:1.25
                resources:
                  requests:
                    cpu: 100m
                    memory: 128Mi
      """
    And pod "web-1" runs on node "node-2"
    When I apply the following manifest:
      """
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata:
        name: high
      value: 1000
      ---
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
            priorityClassName: high
            affinity:
              podAntiAffinity:
                requiredDuringSchedulingIgnoredDuringExecution:
                  - labelSelector:
                      matchLabels:
                        app: cache
                    topologyKey: kubernetes.io/hostname
            containers:
              - name: app
                image: nginx:1.25
                resources:
                  requests:
                    cpu: 100m
                    memory: 2Gi
                volumeMounts:
                  - name: data
                    mountPath: /data
        volumeClaimTemplates:
          - metadata:
              name: data
            spec:
              accessModes: [ReadWriteOnce]
              resources:
                requests:
                  storage: 1Gi
      """
    Then the event "Preempted" was recorded for pod "web-1"
    And the invariant "preemption-safety" holds
    And the invariant "scheduling-safety" holds

  # Nine api pods spread over two zones with maxSkew 1 fit seven (three per
  # node): zone a (two nodes) gets four, zone c three, two wait. The daemon
  # set's update frees room on node-2 for a moment; a waiting api pod takes
  # it (zone c: four), and the new daemon pod, of higher priority, preempts
  # it. The other waiting pod is scheduled in the same instant: the cache
  # still counts the victim in zone c, so zone a may have five.
  Scenario: a pod scheduled while the victim of a preemption is still in the cache
    Given a cluster with the following nodes:
      | name   | cpu | memory | zone |
      | node-1 | 4   | 8Gi    | a    |
      | node-2 | 4   | 8Gi    | c    |
      | node-3 | 4   | 8Gi    | a    |
    And the following manifest is applied:
      """
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata:
        name: high
      value: 1000
      ---
      apiVersion: apps/v1
      kind: DaemonSet
      metadata:
        name: agent
      spec:
        selector:
          matchLabels:
            app: agent
        updateStrategy:
          type: RollingUpdate
          rollingUpdate:
            maxUnavailable: 1
        template:
          metadata:
            labels:
              app: agent
          spec:
            priorityClassName: high
            containers:
              - name: agent
                image: nginx:1.25
                resources:
                  requests:
                    cpu: 100m
                    memory: 128Mi
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: api
      spec:
        replicas: 9
        selector:
          matchLabels:
            app: api
        template:
          metadata:
            labels:
              app: api
          spec:
            topologySpreadConstraints:
              - maxSkew: 1
                topologyKey: topology.kubernetes.io/zone
                whenUnsatisfiable: DoNotSchedule
                labelSelector:
                  matchLabels:
                    app: api
            containers:
              - name: app
                image: nginx:1.25
                resources:
                  requests:
                    cpu: "1"
                    memory: 128Mi
      """
    And 7 pods of deployment "api" are running
    When I set the image of daemonset "agent" to "redis:7.2"
    # Generated names are the same on every run: one seed, one history.
    Then the event "Preempted" was recorded for pod "api-5c8ff6cbcd-72dch"
    And the invariant "scheduling-safety" holds

  # Ten pods spread over two zones with maxSkew 1: node-2 (zone a) takes
  # four, node-1 (zone b) five, one waits. Deleting the deployment marks the
  # pods terminating one after the other; between two of those changes the
  # waiting pod fits zone b, and the scheduler, which follows the changes in
  # order, binds it there before it learns of the rest.
  Scenario: a pod scheduled while the pods around it begin terminating one by one
    Given a cluster with the following nodes:
      | name   | cpu | memory | zone |
      | node-1 | 4   | 8Gi    | b    |
      | node-2 | 2   | 8Gi    | a    |
    And the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 10
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
          spec:
            topologySpreadConstraints:
              - maxSkew: 1
                topologyKey: topology.kubernetes.io/zone
                whenUnsatisfiable: DoNotSchedule
                labelSelector:
                  matchLabels:
                    app: web
            containers:
              - name: app
                image: nginx:1.25
                resources:
                  requests:
                    cpu: 500m
                    memory: 128Mi
      """
    And 9 pods of deployment "web" are running
    When I delete the deployment "web"
    Then the invariant "scheduling-safety" holds

  # A pod nominated to a node after a preemption counts there, for the
  # filters of that node only (addNominatedPods), not in the spread of the
  # others. Three job pods spread over two zones: one goes to zone a, the
  # other two need zone b, whose node is full of lower-priority pods. Zone a
  # stays out for them (2 against 0) even once one of them is nominated to
  # node-1, so preempting there is right.
  Scenario: a pod nominated to a node weighs only in that node's filters
    Given a cluster with the following nodes:
      | name   | cpu | memory | pods | zone |
      | node-1 | 4   | 8Gi    | 8    | b    |
      | node-2 | 4   | 8Gi    | 110  | a    |
    And the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 8
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
          spec:
            nodeSelector:
              topology.kubernetes.io/zone: b
            containers:
              - name: app
                image: nginx:1.25
                resources:
                  requests:
                    cpu: 100m
                    memory: 128Mi
      """
    And 8 pods of deployment "web" are running
    When I apply the following manifest:
      """
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata:
        name: high
      value: 1000
      ---
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: api
      spec:
        completions: 3
        parallelism: 3
        template:
          metadata:
            labels:
              app: api
          spec:
            priorityClassName: high
            restartPolicy: Never
            topologySpreadConstraints:
              - maxSkew: 1
                topologyKey: topology.kubernetes.io/zone
                whenUnsatisfiable: DoNotSchedule
                labelSelector:
                  matchLabels:
                    app: api
            containers:
              - name: app
                image: busybox:1.36
                command: ["sh", "-c", "sleep 10"]
                resources:
                  requests:
                    cpu: 100m
                    memory: 128Mi
      """
    Then the invariant "preemption-safety" holds
