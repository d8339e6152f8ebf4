Feature: Foreground deletion waits for the dependents that block it
  Deleted with propagationPolicy Foreground, an owner gets a deletionTimestamp
  and the foregroundDeletion finalizer and stays visible until every
  dependent whose ownerReference has blockOwnerDeletion is gone: a
  Deployment waits for its ReplicaSets, which wait for their pods.

  Background:
    Given a cluster with 2 nodes
    And the following manifest is applied:
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
          spec:
            terminationGracePeriodSeconds: 20
            containers:
              - name: app
                image: busybox:1.36
                command: ["sh", "-c", "trap '' TERM; while true; do sleep 1; done"]
      """

  Scenario: the deployment stays until its pods have terminated
    When I run "kubectl delete deployment web --cascade=foreground --wait=false"
    Then the cluster contains:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        finalizers: [foregroundDeletion]
      """
    And for 15 seconds the cluster contains:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      """
    And within 30 seconds the cluster does not contain:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      """
    And the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        labels:
          app: web
      """
