Feature: Properties of a cluster that loses a node
  Scenarios tagged @property quantify: "any" steps draw clusters, workloads
  and events at random, and the scenario must hold for every draw. A failure
  is shrunk to the smallest draw that still fails.

  @property(runs=100)
  Scenario: a dead node's pods always come back
    Given any cluster of 2 to 6 nodes
    And any deployment of 1 to 20 replicas that fits
    When any node dies
    And 7 minutes pass
    Then the deployment has all its replicas ready
    And the cluster invariants hold
