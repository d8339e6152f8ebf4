Feature: Deleting an owner deletes what it owns
  A Deployment owns its ReplicaSets, which own their pods, through
  metadata.ownerReferences. Deleting the Deployment lets the garbage collector
  delete the rest: at once in the background (the default), or the dependents
  first with propagationPolicy Foreground; with Orphan they are left running.

  Background:
    Given a cluster with 2 nodes
    And the manifest "web.yaml" is applied

  Scenario: background deletion removes the replica set and its pods
    When I delete the deployment "web"
    Then the cluster does not contain:
      """
      apiVersion: apps/v1
      kind: ReplicaSet
      metadata:
        labels:
          app: web
      """
    And within 30 seconds the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        labels:
          app: web
      """

  Scenario: orphaned pods keep running
    When I run "kubectl delete deployment web --cascade=orphan"
    Then the output contains "deployment.apps \"web\" deleted"
    And the cluster contains:
      """
      apiVersion: apps/v1
      kind: ReplicaSet
      metadata:
        labels:
          app: web
      status:
        replicas: 3
      """
    And for 1 minute 3 pods of replicaset "web-6c455b6594" are running
