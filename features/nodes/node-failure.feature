Feature: A dead node's pods are replaced, on Kubernetes' own schedule
  When a node stops, the control plane learns it only from missing heartbeats,
  and it waits before giving up on the pods that ran there. The timeline, with
  the defaults of Kubernetes 1.33:

    t = 0      node-2's kubelet stops: no more Lease renewals (every 10 s),
               no more status updates.
    t > 50 s   the node lifecycle controller, checking every 5 s, finds the
               Lease older than --node-monitor-grace-period (50 s): the node's
               Ready condition becomes Unknown ("Kubelet stopped posting node
               status."), a NodeNotReady event is recorded, and its pods are
               marked not Ready. Here that happens at 1m00s.
    + 5 s      the next check taints the node
               node.kubernetes.io/unreachable:NoExecute.
    + 300 s    every pod tolerates that taint for 300 s (the DefaultTolerationSeconds
               admission plugin added the toleration), then the taint eviction
               controller deletes it. The pod stays Terminating, as the dead
               kubelet cannot confirm, but it no longer counts: the ReplicaSet
               creates a replacement at once, on a node that is still up.

  So a pod on a failed node is replaced about six minutes after the failure.

  Background:
    Given a cluster with 3 nodes
    And the manifest "web.yaml" is applied

  Scenario: given 3 replicas, when a node dies, then pods reschedule
    Then the pods of deployment "web" are spread over 3 nodes
    When node "node-2" dies
    # The grace period: nothing is decided before 50 s without a heartbeat.
    Then for 50 seconds node "node-2" is ready
    And within 15 seconds node "node-2" is not ready
    # The toleration: the pod on node-2 is left alone for 300 s after the taint.
    And for 5 minutes the pods of deployment "web" are spread over 3 nodes
    And within 10 seconds no pod runs on node "node-2"
    And 3 pods of deployment "web" are running
    And the deployment "web" has 3 ready replicas
    And the event "TaintManagerEviction" was recorded for a pod of deployment "web"
    And the cluster invariants hold

  Scenario: a node that comes back in time keeps its pods
    When node "node-2" dies
    And 3 minutes pass
    Then node "node-2" is not ready
    When node "node-2" comes back
    Then node "node-2" is ready
    And for 10 minutes the pods of deployment "web" are spread over 3 nodes
    And 3 pods of deployment "web" are running

  Scenario: the evicted pod is cleaned up when its node comes back
    When node "node-2" dies
    And 7 minutes pass
    Then no pod runs on node "node-2"
    And 3 pods of deployment "web" are running
    When node "node-2" comes back
    Then the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        namespace: default
      spec:
        nodeName: node-2
      """
    And the deployment "web" has 3 ready replicas

  Scenario: a removed node's pods are collected and replaced
    When node "node-2" is removed
    # The pod garbage collector finds pods bound to a node that no longer exists,
    # waits out a 40 s quarantine (it checks every 20 s), then force-deletes them.
    Then for 40 seconds the pods of deployment "web" are spread over 3 nodes
    And within 30 seconds the pods of deployment "web" are spread over 2 nodes
    And 3 pods of deployment "web" are running
    And no pod runs on node "node-2"
