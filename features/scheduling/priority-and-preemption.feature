Feature: Higher-priority pods preempt lower-priority ones
  When no node fits a pod, DefaultPreemption looks for a node where evicting
  pods of lower priority would make room: the fewest victims, sparing
  PodDisruptionBudgets first, then the lowest priorities. The victims get the
  DisruptionTarget condition (PreemptionByScheduler) and are deleted
  gracefully; the pod is nominated to the node (status.nominatedNodeName)
  and scheduled there once room is made. Pods never preempt pods of equal or
  higher priority, and preemptionPolicy: Never pods wait instead.

  Background:
    Given a cluster with 2 nodes of 2 CPU and 4Gi memory
    And the following manifest is applied:
      """
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata:
        name: batch
      value: 100
      globalDefault: true
      description: The default for pods that name no class.
      ---
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata:
        name: critical
      value: 100000
      ---
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata:
        name: patient
      value: 100000
      preemptionPolicy: Never
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: batch
      spec:
        replicas: 2
        selector:
          matchLabels: {app: batch}
        template:
          metadata:
            labels: {app: batch}
          spec:
            containers:
              - name: work
                image: nginx:1.27
                resources:
                  requests: {cpu: 1500m}
      """
    And 2 pods of deployment "batch" are running

  Scenario: a critical pod takes a batch pod's place
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: urgent
      spec:
        priorityClassName: critical
        containers:
          - name: app
            image: nginx:1.27
            resources:
              requests: {cpu: "1"}
      """
    Then within 1 minute pod "urgent" is running
    And the event "FailedScheduling" was recorded for pod "urgent"
    And the cluster contains:
      """
      apiVersion: v1
      kind: Event
      reason: Preempted
      source: {component: default-scheduler}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: urgent
      spec:
        priority: 100000
      """
    # The batch Deployment replaces its pod, which now has nowhere to go: nothing it may preempt.
    And a pod of deployment "batch" stays pending because "preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."

  Scenario: preemptionPolicy Never waits instead
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: polite
      spec:
        priorityClassName: patient
        containers:
          - name: app
            image: nginx:1.27
            resources:
              requests: {cpu: "1"}
      """
    Then for 1 minute pod "polite" stays pending because "0/2 nodes are available: 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."
    When I scale the deployment "batch" to 1 replicas
    Then within 10 seconds pod "polite" is running

  Scenario: a PodDisruptionBudget steers the choice of victims
    Given the following manifest is applied:
      """
      apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata:
        name: batch
      spec:
        minAvailable: 2
        selector:
          matchLabels: {app: batch}
      """
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: urgent
      spec:
        priorityClassName: critical
        containers:
          - name: app
            image: nginx:1.27
            resources:
              requests: {cpu: "1"}
      """
    # Every victim violates the budget, so preemption still goes ahead, on the first best node.
    Then within 1 minute pod "urgent" is running
