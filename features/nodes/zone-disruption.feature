Feature: Evictions are rate limited, and held back when a zone or the cluster fails
  The node lifecycle controller taints unreachable nodes (and so evicts
  their pods) at most 0.1 nodes per second per zone. When 55% or more of a
  zone's nodes (and more than 2) are not ready, the zone is in partial
  disruption: in a cluster of up to 50 nodes evictions there stop. When
  every node of every zone is not ready, the controller blames itself (its
  network, the API server) rather than the nodes, and evicts nothing.

  Scenario: unreachable nodes are tainted one every 10 seconds
    # Two of six nodes die: 33% of the zone. Both are found unreachable in
    # the same pass; the first is tainted at once, the second 10 s later.
    Given a cluster with the following nodes:
      | name | zone |
      | a-1  | a    |
      | a-2  | a    |
      | a-3  | a    |
      | a-4  | a    |
      | a-5  | a    |
      | a-6  | a    |
    When node "a-1" dies
    And node "a-2" dies
    Then within 70 seconds node "a-1" is tainted "node.kubernetes.io/unreachable:NoExecute"
    And for 9 seconds node "a-2" is not tainted "node.kubernetes.io/unreachable:NoExecute"
    And within 1 second node "a-2" is tainted "node.kubernetes.io/unreachable:NoExecute"

  Scenario: a zone mostly down in a small cluster: no evictions there
    # Three of four nodes of zone a are down (75%): partial disruption.
    Given a cluster with the following nodes:
      | name | zone |
      | a-1  | a    |
      | a-2  | a    |
      | a-3  | a    |
      | a-4  | a    |
      | b-1  | b    |
      | b-2  | b    |
    And the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: stays
      spec:
        nodeName: a-1
        containers:
          - name: nginx
            image: nginx:1.27
      """
    When node "a-1" dies
    And node "a-2" dies
    And node "a-3" dies
    Then within 70 seconds node "a-1" is not ready
    And for 10 minutes node "a-1" is not tainted "node.kubernetes.io/unreachable:NoExecute"
    And pod "stays" is running

  Scenario: a whole zone down, others up: evictions go on at the normal rate
    Given a cluster with the following nodes:
      | name | zone |
      | a-1  | a    |
      | a-2  | a    |
      | b-1  | b    |
      | b-2  | b    |
    When node "b-1" dies
    And node "b-2" dies
    Then within 70 seconds node "b-1" is tainted "node.kubernetes.io/unreachable:NoExecute"
    And within 10 seconds node "b-2" is tainted "node.kubernetes.io/unreachable:NoExecute"

  Scenario: every node down: the control plane evicts nothing
    Given a cluster with 3 nodes
    And the manifest "web.yaml" is applied
    When node "node-1" dies
    And node "node-2" dies
    And node "node-3" dies
    Then within 70 seconds node "node-1" is not ready
    And for 10 minutes node "node-1" is not tainted "node.kubernetes.io/unreachable:NoExecute"
    And 3 pods of deployment "web" are running
    When node "node-1" comes back
    # One zone is no longer fully down: the nodes still unreachable are
    # tainted again, one every 10 s, and their pods evicted 5 minutes later.
    Then within 10 seconds node "node-1" is ready
    And within 10 seconds node "node-2" is tainted "node.kubernetes.io/unreachable:NoExecute"
    And within 10 seconds node "node-3" is tainted "node.kubernetes.io/unreachable:NoExecute"
    And within 6 minutes no pod runs on node "node-2"
    And within 10 seconds no pod runs on node "node-3"
    And 3 pods of deployment "web" are running
