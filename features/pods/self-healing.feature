Feature: A deployment replaces the pods it loses
  A Deployment keeps its ReplicaSet's count of live pods at spec.replicas. A
  pod being deleted no longer counts, so its replacement is created at once,
  while the old pod is still shutting down.

  Background:
    Given a cluster with 3 nodes
    And the manifest "web.yaml" is applied

  Scenario: a deleted pod is replaced at once
    When I delete a pod of deployment "web"
    Then 3 pods of deployment "web" are running
    And the deployment "web" has 3 ready replicas
    And at all times at least 2 pods of deployment "web" were running
    And at all times at most 4 pods of deployment "web" existed
    And the cluster invariants hold

  Scenario: deleting the pods one by one never takes the service down to zero
    When I delete a pod of deployment "web"
    And I delete a pod of deployment "web"
    And I delete a pod of deployment "web"
    Then 3 pods of deployment "web" are running
    And at all times at least 2 pods of deployment "web" were ready
