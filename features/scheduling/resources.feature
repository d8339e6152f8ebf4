Feature: Pods go where their resource requests fit
  The scheduler places a pod only on a node whose allocatable CPU, memory and
  pod count still hold the pod's requests (NodeResourcesFit). Among the nodes
  that fit, the default LeastAllocated strategy prefers the emptiest, and
  NodeResourcesBalancedAllocation prefers nodes where CPU and memory would be
  used in like proportions. A pod no node can hold stays Pending, and the
  FailedScheduling event says, node by node, why.

  Scenario: requests spread over the nodes with the most room
    Given a cluster with 3 nodes of 4 CPU and 8Gi memory
    When I apply the following manifest:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 3
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
              - name: web
                image: nginx:1.27
                resources:
                  requests: {cpu: "1", memory: 1Gi}
      """
    Then 3 pods of deployment "web" are running
    And the pods of deployment "web" are spread over 3 nodes
    And the cluster invariants hold

  Scenario: a pod bigger than any node stays pending, and says why
    Given a cluster with 3 nodes of 2 CPU and 4Gi memory
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: big
      spec:
        containers:
          - name: app
            image: nginx:1.27
            resources:
              requests: {cpu: "3"}
      """
    # No node has 3 CPU even empty, so preemption cannot help either.
    Then pod "big" stays pending because "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    And the event "FailedScheduling" was recorded for pod "big"

  Scenario: a pending pod is scheduled as soon as a node with room joins
    Given a cluster with 1 node of 2 CPU and 4Gi memory
    And the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: batch
      spec:
        containers:
          - name: app
            image: nginx:1.27
            resources:
              requests: {cpu: "3", memory: 1Gi}
      """
    And pod "batch" stays pending because "1 Insufficient cpu"
    When a node "node-2" joins the cluster
    Then pod "batch" runs on node "node-2"

  Scenario: the scheduler's reasons, plugin by plugin
    Given a cluster with the following nodes:
      | name   | cpu | memory |
      | small  | 2   | 8Gi    |
      | large  | 8   | 8Gi    |
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
      spec:
        containers:
          - name: app
            image: nginx:1.27
            resources:
              requests: {cpu: "1", memory: 1Gi}
      """
    # LeastAllocated: cpu (8-1)/8 = 87 and memory (8-1)/8 = 87 on "large", against 50 and 87 on "small".
    Then the scheduler scored the nodes for pod "app" as:
      | node  | NodeResourcesFit | NodeResourcesBalancedAllocation | TaintToleration | total |
      | small | 68               | 81                              | 300             | 449   |
      | large | 87               | 100                             | 300             | 487   |
    And pod "app" was placed on node "large" because "node \"large\" scored 487"
