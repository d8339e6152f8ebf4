Feature: Updating a StatefulSet
  A RollingUpdate replaces the pods from the highest ordinal down, one at a
  time, each once the one before is Running and Ready again. A partition
  keeps the pods below it at the old revision, for canaries. With OnDelete
  the controller leaves running pods alone and uses the new template only
  for pods it recreates. Revisions are kept as ControllerRevisions.

  Background:
    Given a cluster with 3 nodes
    And the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      spec:
        serviceName: db
        replicas: 3
        selector:
          matchLabels:
            app: db
        template:
          metadata:
            labels:
              app: db
          spec:
            containers:
              - name: postgres
                image: postgres:16
                env:
                  - name: POSTGRES_PASSWORD
                    value: secret
      """

  Scenario: a rolling update replaces one pod at a time, highest ordinal first
    When I set the image of statefulset "db" to "postgres:17"
    Then within 2 minutes the rollout of statefulset "db" has completed
    And all pods of statefulset "db" run the image "postgres:17"
    And at all times at least 2 pods of statefulset "db" were running
    And the cluster invariants hold

  Scenario: a partition updates only the pods at or above it
    When I apply the following manifest:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      spec:
        serviceName: db
        replicas: 3
        selector:
          matchLabels:
            app: db
        updateStrategy:
          type: RollingUpdate
          rollingUpdate:
            partition: 2
        template:
          metadata:
            labels:
              app: db
          spec:
            containers:
              - name: postgres
                image: postgres:17
                env:
                  - name: POSTGRES_PASSWORD
                    value: secret
      """
    And 1 minute passes
    Then the cluster contains:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: db-2
      spec:
        containers:
          - image: postgres:17
      """
    And the cluster contains:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: db-1
      spec:
        containers:
          - image: postgres:16
      """
    And the rollout of statefulset "db" has completed

  Scenario: with OnDelete, a pod takes the new template only when it is deleted
    When I apply the following manifest:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      spec:
        serviceName: db
        replicas: 3
        selector:
          matchLabels:
            app: db
        updateStrategy:
          type: OnDelete
          # The defaulted rollingUpdate must be cleared, as with kubectl apply on a real cluster.
          rollingUpdate: null
        template:
          metadata:
            labels:
              app: db
          spec:
            containers:
              - name: postgres
                image: postgres:17
                env:
                  - name: POSTGRES_PASSWORD
                    value: secret
      """
    And 1 minute passes
    Then the cluster contains:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: db-0
      spec:
        containers:
          - image: postgres:16
      """
    When I delete pod "db-0"
    Then within 1 minute the cluster contains:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: db-0
      spec:
        containers:
          - image: postgres:17
      status:
        phase: Running
      """

  Scenario: rolling back returns to the earlier revision
    When I set the image of statefulset "db" to "postgres:17"
    And 2 minutes pass
    And I roll back the statefulset "db"
    Then within 2 minutes the rollout of statefulset "db" has completed
    And all pods of statefulset "db" run the image "postgres:16"

  Scenario: a pod on a node that stopped answering is not replaced until it is gone
    # Its pod is evicted after 5m50s but stays Terminating: no kubelet confirms it stopped,
    # and two pods with one identity must never run at once.
    When node "node-2" dies
    And 10 minutes pass
    Then the cluster contains:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      status:
        replicas: 3
      """
    And 2 pods of statefulset "db" are running
    When I run "kubectl delete pods --field-selector spec.nodeName=node-2 --force --grace-period=0"
    Then within 1 minute 3 pods of statefulset "db" are running
    And no pod runs on node "node-2"

  Scenario: restarting the rollout replaces every pod with a fresh one
    When I restart the rollout of statefulset "db"
    Then within 2 minutes the rollout of statefulset "db" has completed
    And the cluster contains:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: db-0
      spec:
        containers:
          - image: postgres:16
      """
    And the event "SuccessfulDelete" was recorded for the statefulset "db"
    And at all times at least 2 pods of statefulset "db" were running
