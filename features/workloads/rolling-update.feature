Feature: Rolling updates replace pods without downtime
  Changing a Deployment's pod template starts a rollout: a new ReplicaSet is
  scaled up while the old one is scaled down. maxSurge says how many pods
  may exist above the desired count (25% rounded up by default) and
  maxUnavailable how many may be missing below it (25% rounded down). With
  readiness probes and maxUnavailable 0, an old pod goes only once a new one
  is ready, so the number of ready pods never drops below the desired count.

  Background:
    Given a cluster with 3 nodes
    And the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 4
        progressDeadlineSeconds: 120
        selector:
          matchLabels:
            app: web
        strategy:
          type: RollingUpdate
          rollingUpdate:
            maxSurge: 1
            maxUnavailable: 0
        template:
          metadata:
            labels:
              app: web
            annotations:
              kubecuke.io/ready-after: "10s"
          spec:
            containers:
              - name: nginx
                image: nginx:1.26
                readinessProbe:
                  httpGet:
                    path: /
                    port: 80
                  periodSeconds: 2
      """
    And within 1 minute the deployment "web" has 4 ready replicas

  Scenario: never fewer ready pods than desired, never more pods than desired plus the surge
    When I set the image of deployment "web" to "nginx:1.27"
    Then within 5 minutes the rollout of deployment "web" has completed
    And all pods of deployment "web" run the image "nginx:1.27"
    And at all times at least 4 pods of deployment "web" were ready
    And at all times at most 5 pods of deployment "web" existed
    And the deployment "web" is at revision 2
    And the cluster invariants hold

  Scenario: rolling back restores the previous template as a new revision
    When I set the image of deployment "web" to "nginx:1.27"
    And 5 minutes pass
    And I roll back the deployment "web"
    Then within 5 minutes the rollout of deployment "web" has completed
    And all pods of deployment "web" run the image "nginx:1.26"
    And the deployment "web" is at revision 3
    And at all times at least 4 pods of deployment "web" were ready

  Scenario: rolling back to a given revision
    When I set the image of deployment "web" to "nginx:1.27"
    And 5 minutes pass
    And I set the image of deployment "web" to "nginx:1.28"
    And 5 minutes pass
    And I roll back the deployment "web" to revision 1
    Then within 5 minutes the rollout of deployment "web" has completed
    And all pods of deployment "web" run the image "nginx:1.26"
    And the deployment "web" is at revision 4

  Scenario: a paused rollout waits until it is resumed
    When I pause the rollout of deployment "web"
    And I set the image of deployment "web" to "nginx:1.27"
    Then for 2 minutes all pods of deployment "web" run the image "nginx:1.26"
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
          - type: Progressing
            status: Unknown
            reason: DeploymentPaused
      """
    When I resume the rollout of deployment "web"
    Then within 5 minutes the rollout of deployment "web" has completed
    And all pods of deployment "web" run the image "nginx:1.27"

  Scenario: a rollout that cannot progress exceeds its deadline and keeps the old pods
    # progressDeadlineSeconds is 120 here (600 by default).
    Given the image "nginx:9.9" does not exist
    When I set the image of deployment "web" to "nginx:9.9"
    Then within 3 minutes the rollout of deployment "web" has exceeded its progress deadline
    And 4 pods of deployment "web" are running
    And the deployment "web" has 4 ready replicas
    And the event "Failed" was recorded for a pod of deployment "web"
