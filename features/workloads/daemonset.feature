Feature: DaemonSets run a pod on every node
  A DaemonSet runs one copy of its pod on every node that matches its node
  selector and whose taints it tolerates. Nodes that join get a pod; a pod
  that is deleted comes back. Daemon pods tolerate the not-ready,
  unreachable, pressure and unschedulable taints by themselves, so they
  stay on failing and cordoned nodes. A RollingUpdate replaces them node
  by node, maxUnavailable at a time.

  Background:
    Given a cluster with the following nodes:
      | name   | cpu | memory | labels        | taints                   |
      | node-1 | 4   | 8Gi    | disktype=ssd  |                          |
      | node-2 | 4   | 8Gi    | disktype=ssd  |                          |
      | node-3 | 4   | 8Gi    | disktype=hdd  | dedicated=gpu:NoSchedule |
    And the following manifest is applied:
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
              - name: fluentd
                image: fluentd:v1.16
      """

  Scenario: one pod on each node whose taints the pod tolerates
    Then 2 pods of daemonset "agent" are running
    And no pod runs on node "node-3"
    And the daemonset "agent" has 2 ready replicas
    And the cluster invariants hold

  Scenario: a node that joins gets a pod
    When a node "node-4" joins the cluster
    Then within 1 minute 3 pods of daemonset "agent" are running
    And the cluster contains:
      """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata:
        name: agent
      status:
        desiredNumberScheduled: 3
        currentNumberScheduled: 3
        numberReady: 3
      """

  Scenario: a node selector limits the nodes
    When I apply the following manifest:
      """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata:
        name: ssd-monitor
      spec:
        selector:
          matchLabels:
            app: ssd-monitor
        template:
          metadata:
            labels:
              app: ssd-monitor
          spec:
            nodeSelector:
              disktype: ssd
            containers:
              - name: monitor
                image: busybox:1.36
                command: ["sh", "-c", "while true; do sleep 10; done"]
      """
    Then 2 pods of daemonset "ssd-monitor" are running
    And all pods of daemonset "ssd-monitor" run on nodes with the label "disktype=ssd"

  Scenario: daemon pods stay on a cordoned node
    When I cordon node "node-1"
    And I delete a pod of daemonset "agent"
    Then within 1 minute 2 pods of daemonset "agent" are running

  Scenario: a rolling update replaces the pods one node at a time
    When I set the image of daemonset "agent" to "fluentd:v1.17"
    Then within 2 minutes the rollout of daemonset "agent" has completed
    And all pods of daemonset "agent" run the image "fluentd:v1.17"
    And at all times at least 1 pod of daemonset "agent" was running
    And the cluster invariants hold
