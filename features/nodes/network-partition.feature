Feature: A node cut off the network keeps its containers running
  When a node loses its network, its kubelet can no longer renew its Lease
  or report status, and the API server cannot reach it (no logs). To the
  control plane it looks like a dead node: after the 50 s grace period it
  is not ready, tainted unreachable:NoExecute, and its pods are evicted 5
  minutes later and replaced elsewhere. But its containers keep running.
  When the network comes back, the kubelet finds out what happened meanwhile:
  the pods deleted while it was cut off are stopped and removed.

  Background:
    Given a cluster with 2 nodes
    And the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: counter
      spec:
        nodeName: node-2
        containers:
          - name: app
            image: busybox:1.36
            command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done"]
      """
    And the manifest "web.yaml" is applied

  Scenario: a short cut: the pods carry on, and nothing is lost
    When the network of node "node-2" is cut
    Then for 50 seconds node "node-2" is ready
    And within 15 seconds node "node-2" is not ready
    And pod "counter" is not ready
    And pod "counter" is running
    When 2 minutes pass
    And the network of node "node-2" is restored
    Then node "node-2" is ready
    And within 10 seconds pod "counter" is ready
    And the containers of pod "counter" have restarted 0 times
    # It counted on through the cut: one tick a second.
    And the logs of pod "counter" contain "tick 180"
    And 3 pods of deployment "web" are running

  Scenario: a long cut: the pods are replaced, and cleaned up when the node is back
    When the network of node "node-2" is cut
    And 7 minutes pass
    Then the status of pod "counter" is "Terminating"
    And no pod runs on node "node-2"
    And 3 pods of deployment "web" are running
    And node "node-2" is tainted "node.kubernetes.io/unreachable:NoExecute"
    When the network of node "node-2" is restored
    # The shell ignores SIGTERM: it is killed when the 30 s grace period ends.
    Then within 30 seconds the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: counter
      """
    And node "node-2" is ready
    And within 10 seconds node "node-2" is not tainted "node.kubernetes.io/unreachable:NoExecute"
    And the deployment "web" has 3 ready replicas
    And the cluster invariants hold
