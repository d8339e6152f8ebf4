Feature: A pod assumed while its volume is provisioned counts as placed
  With a WaitForFirstConsumer claim the scheduler assumes the pod on the node
  it picked and waits for the volume there before it binds. Meanwhile the
  pod is in the scheduler's cache as if it were bound: it takes room on the
  node and counts for other pods' inter-pod rules. Here the second cache pod
  may not share node-1 with the first (required anti-affinity per hostname),
  which is still waiting for its volume there, so the only place left is
  node-2, too small until a lower-priority pod goes: the scheduler preempts
  it.

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
