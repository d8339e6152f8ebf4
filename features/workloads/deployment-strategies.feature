Feature: Deployment strategies and proportional scaling
  With the Recreate strategy, a Deployment removes every old pod before it
  starts a new one. When a Deployment is scaled in the middle of a rolling
  update, the new replicas are spread over its ReplicaSets in proportion to
  their sizes (larger sets first), as in the Kubernetes documentation's
  example: 10 replicas, maxSurge 3, maxUnavailable 2, a new image that never
  comes up, then a scale to 15.

  Background:
    Given a cluster with 3 nodes

  Scenario: Recreate stops all old pods before starting new ones
    Given the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: worker
      spec:
        replicas: 3
        strategy:
          type: Recreate
        selector:
          matchLabels:
            app: worker
        template:
          metadata:
            labels:
              app: worker
          spec:
            containers:
              - name: worker
                image: busybox:1.36
                command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
      """
    When I set the image of deployment "worker" to "busybox:1.37"
    Then within 2 minutes the rollout of deployment "worker" has completed
    And all pods of deployment "worker" run the image "busybox:1.37"
    And at all times at most 3 pods of deployment "worker" existed

  Scenario: scaling during a stalled rollout spreads the new replicas proportionally
    Given the image "nginx:9.9" does not exist
    And the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 10
        strategy:
          type: RollingUpdate
          rollingUpdate:
            maxSurge: 3
            maxUnavailable: 2
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
          spec:
            containers:
              - name: nginx
                image: nginx:1.26
      """
    When I set the image of deployment "web" to "nginx:9.9"
    # The rollout stalls with 8 old pods and 5 new ones that cannot pull their image.
    Then the cluster contains:
      """
      apiVersion: apps/v1
      kind: ReplicaSet
      spec:
        replicas: 8
        template:
          spec:
            containers:
              - image: nginx:1.26
      """
    And the cluster contains:
      """
      apiVersion: apps/v1
      kind: ReplicaSet
      spec:
        replicas: 5
        template:
          spec:
            containers:
              - image: nginx:9.9
      """
    When I scale the deployment "web" to 15 replicas
    # 18 pods are allowed now (15 + 3): 3 more old ones and 2 more new ones.
    Then the cluster contains:
      """
      apiVersion: apps/v1
      kind: ReplicaSet
      spec:
        replicas: 11
        template:
          spec:
            containers:
              - image: nginx:1.26
      """
    And the cluster contains:
      """
      apiVersion: apps/v1
      kind: ReplicaSet
      spec:
        replicas: 7
        template:
          spec:
            containers:
              - image: nginx:9.9
      """
    And the cluster invariants hold
