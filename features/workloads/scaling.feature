Feature: Scaling a deployment
  Scaling changes spec.replicas; the Deployment passes it to its ReplicaSet,
  which creates or deletes pods. On scale-down the ReplicaSet deletes the
  pods it ranks first: unscheduled, then pending, then not ready, then those
  sharing a node with more of their siblings, then the newest.

  Background:
    Given a cluster with 3 nodes
    And the manifest "web.yaml" is applied

  Scenario: scale up
    When I scale the deployment "web" to 6 replicas
    Then 6 pods of deployment "web" are running
    And the deployment "web" has 6 ready replicas
    And the pods of deployment "web" are spread over 3 nodes
    And the cluster invariants hold

  Scenario: scale down removes pending pods first
    Given the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: api
      spec:
        replicas: 6
        selector:
          matchLabels: {app: api}
        template:
          metadata:
            labels: {app: api}
          spec:
            containers:
              - name: api
                image: nginx:1.27
                resources:
                  requests: {cpu: "2"}
      """
    # 3 nodes of 4 CPU hold two 2-CPU pods each.
    And I scale the deployment "api" to 8 replicas
    Then 6 pods of deployment "api" are running
    When I scale the deployment "api" to 6 replicas
    Then 6 pods of deployment "api" are running
    And the deployment "api" has 6 ready replicas
    And at all times at least 6 pods of deployment "api" were running
    And the cluster invariants hold

  Scenario: scale with kubectl
    When I run "kubectl scale deployment web --replicas=5"
    Then the output contains "deployment.apps/web scaled"
    And 5 pods of deployment "web" are running
    And the cluster contains:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 5
      status:
        replicas: 5
        readyReplicas: 5
        availableReplicas: 5
      """

  Scenario: scale to zero
    When I scale the deployment "web" to 0 replicas
    Then 0 pods of deployment "web" are running
    And the cluster contains:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      status:
        conditions:
          - type: Available
            status: "True"
            reason: MinimumReplicasAvailable
          - type: Progressing
            status: "True"
            reason: NewReplicaSetAvailable
      """
