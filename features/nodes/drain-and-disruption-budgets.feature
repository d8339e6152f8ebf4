Feature: Draining a node respects PodDisruptionBudgets
  `kubectl drain` cordons the node and evicts its pods through the Eviction
  API. The API refuses an eviction with 429 "Cannot evict pod as it would
  violate the pod's disruption budget." when the budget allows no more
  disruptions, and kubectl tries again every 5 seconds. The disruption
  controller keeps each budget's status: the pods it expects, how many are
  healthy (Ready), how many must be, and how many disruptions that allows.

  Background:
    Given a cluster with 2 nodes

  Scenario: a budget that allows no disruption refuses the drain
    Given the manifest "web.yaml" is applied
    And the following manifest is applied:
      """
      apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata:
        name: web
      spec:
        minAvailable: 3
        selector:
          matchLabels:
            app: web
      """
    Then the disruption budget "web" allows 0 disruptions
    And the cluster contains:
      """
      apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata:
        name: web
      status:
        currentHealthy: 3
        desiredHealthy: 3
        expectedPods: 3
        disruptionsAllowed: 0
        observedGeneration: 1
        conditions:
          - type: DisruptionAllowed
            status: "False"
            reason: InsufficientPods
      """
    And draining node "node-1" is refused because of the disruption budget "web"
    And the output contains "Cannot evict pod as it would violate the pod's disruption budget."
    And node "node-1" is tainted "node.kubernetes.io/unschedulable:NoSchedule"
    And 3 pods of deployment "web" are running

  Scenario: the drain waits while the budget is spent, and goes on once replacements are ready
    # 4 replicas, 2 per node, and at most 1 unavailable:
    #   t = 0   the first pod on node-1 is evicted (the budget is spent);
    #           the second is refused; its replacement starts on node-2 at once
    #   t = 5s  kubectl tries again: the replacement is ready, so it is allowed
    Given the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 4
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
          spec:
            containers:
              - name: nginx
                image: nginx:1.27
      ---
      apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata:
        name: web
      spec:
        maxUnavailable: 1
        selector:
          matchLabels:
            app: web
      """
    Then the pods of deployment "web" are spread over 2 nodes
    And the disruption budget "web" allows 1 disruption
    When I drain node "node-1"
    Then the output contains "(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget."
    And the output contains "node/node-1 drained"
    And no pod runs on node "node-1"
    And 4 pods of deployment "web" are running
    And at all times at least 3 pods of deployment "web" were ready

  Scenario Outline: budgets in numbers and percentages
    Given the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: <replicas>
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
          spec:
            containers:
              - name: nginx
                image: nginx:1.27
      ---
      apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata:
        name: web
      spec:
        <rule>
        selector:
          matchLabels:
            app: web
      """
    Then the disruption budget "web" allows <allowed> disruptions
    And the cluster contains:
      """
      apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata:
        name: web
      status:
        desiredHealthy: <desired>
        expectedPods: <replicas>
      """

    # Percentages are rounded up: 25% of 3 is 1 unavailable, 50% of 5 is 3 available.
    Examples:
      | replicas | rule                 | desired | allowed |
      | 4        | minAvailable: 2      | 2       | 2       |
      | 4        | minAvailable: "50%"  | 2       | 2       |
      | 5        | minAvailable: "50%"  | 3       | 2       |
      | 3        | maxUnavailable: 1    | 2       | 1       |
      | 3        | maxUnavailable: "25%" | 2      | 1       |
      | 2        | maxUnavailable: "0%" | 2       | 0       |

  Scenario Outline: an unready pod is evicted only when the budget says so
    # Neither pod becomes ready within the hour: the budget has 0 healthy of the 1 it needs.
    # IfHealthyBudget (the default) protects the application: the eviction is refused.
    # AlwaysAllow lets unhealthy pods go without spending the budget.
    Given the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 2
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
            annotations:
              kubecuke.io/ready-after: 1h
          spec:
            containers:
              - name: nginx
                image: nginx:1.27
                readinessProbe:
                  httpGet:
                    path: /ready
                    port: 80
      ---
      apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata:
        name: web
      spec:
        minAvailable: 1
        unhealthyPodEvictionPolicy: <policy>
        selector:
          matchLabels:
            app: web
      """
    When I try to drain node "node-1"
    Then the output contains "<outcome>"

    Examples:
      | policy          | outcome                                                            |
      | IfHealthyBudget | Cannot evict pod as it would violate the pod's disruption budget. |
      | AlwaysAllow     | evicted                                                            |

  Scenario: pods without a controller stop the drain unless forced
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: lonely
      spec:
        nodeName: node-1
        containers:
          - name: app
            image: nginx:1.27
      """
    When I try to drain node "node-1"
    Then the output contains "cannot delete Pods that declare no controller (use --force to override): default/lonely"
    And pod "lonely" is running
    When I run "kubectl drain node-1 --ignore-daemonsets --force"
    Then the output contains "Warning: deleting Pods that declare no controller: default/lonely"
    And the output contains "pod/lonely evicted"
    And the output contains "node/node-1 drained"
    And the event "Killing" was recorded for pod "lonely"

  Scenario: an evicted pod is marked as a disruption target while it stops
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: slow
        labels:
          app: slow
      spec:
        nodeName: node-1
        terminationGracePeriodSeconds: 20
        containers:
          - name: app
            image: busybox:1.36
            command: ["sleep", "3600"]
      """
    When I run "kubectl drain node-1 --ignore-daemonsets --force --timeout=5s"
    Then the status of pod "slow" is "Terminating"
    And pod "slow" has the condition "DisruptionTarget" because "EvictionByEvictionAPI"
    # sleep ignores SIGTERM as PID 1: it is killed when the 20 s grace period ends.
    And within 20 seconds the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: slow
      """

  Scenario: DaemonSet pods stop the drain unless ignored, and stay on the node
    # The DaemonSet controller would put a deleted daemon pod straight back
    # (its pods tolerate node.kubernetes.io/unschedulable), so kubectl drain
    # refuses to evict them unless told to leave them where they are.
    Given the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata:
        name: agent
      spec:
        selector:
          matchLabels:
            app: agent
        template:
          metadata:
            labels:
              app: agent
          spec:
            containers:
              - name: agent
                image: busybox:1.36
                command: ["sleep", "infinity"]
      """
    And within 1 minute 2 pods of daemonset "agent" are running
    When I run "kubectl drain node-1"
    Then the output contains "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/agent-"
    When I drain node "node-1"
    Then the output contains "Warning: ignoring DaemonSet-managed Pods: default/agent-"
    And the output contains "node/node-1 drained"
    And node "node-1" is tainted "node.kubernetes.io/unschedulable:NoSchedule"
    And for 2 minutes 2 pods of daemonset "agent" are running
