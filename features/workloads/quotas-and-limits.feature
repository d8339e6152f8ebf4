Feature: Resource quotas and limit ranges
  A ResourceQuota caps what a namespace may use: object counts and the
  compute its pods request and limit. The API server refuses what would go
  over it, naming the quota, what was requested, what is used and the
  limit; a workload's controller then records FailedCreate. A LimitRange
  gives containers default requests and limits and refuses those outside
  its min and max.

  Background:
    Given a cluster with 2 nodes
    And I work in namespace "team"

  Scenario: a quota caps the pods of a deployment
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: ResourceQuota
      metadata:
        name: pods
      spec:
        hard:
          pods: "2"
      """
    When I apply the manifest "web.yaml"
    Then 2 pods of deployment "web" are running
    And the cluster contains:
      """
      apiVersion: v1
      kind: ResourceQuota
      metadata:
        name: pods
      status:
        hard:
          pods: "2"
        used:
          pods: "2"
      """
    And the cluster contains:
      """
      apiVersion: v1
      kind: Event
      reason: FailedCreate
      """

  Scenario: a pod over the quota is refused with the upstream message
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: ResourceQuota
      metadata:
        name: compute
      spec:
        hard:
          requests.cpu: "1"
          requests.memory: 1Gi
      """
    When I try to apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: big
      spec:
        containers:
          - name: app
            image: nginx:1.27
            resources:
              requests:
                cpu: "2"
                memory: 512Mi
      """
    Then it is rejected because "exceeded quota: compute, requested: requests.cpu=2, used: requests.cpu=0, limited: requests.cpu=1"

  Scenario: a compute quota needs every container to state its requests
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: ResourceQuota
      metadata:
        name: compute
      spec:
        hard:
          requests.cpu: "1"
      """
    When I try to apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: bare
      spec:
        containers:
          - name: app
            image: nginx:1.27
      """
    Then it is rejected because "failed quota: compute: must specify requests.cpu for: app"

  Scenario: a limit range gives containers defaults, which a quota then accepts
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: LimitRange
      metadata:
        name: defaults
      spec:
        limits:
          - type: Container
            default:
              cpu: 500m
              memory: 256Mi
            defaultRequest:
              cpu: 100m
              memory: 128Mi
            max:
              cpu: "1"
      ---
      apiVersion: v1
      kind: ResourceQuota
      metadata:
        name: compute
      spec:
        hard:
          requests.cpu: "1"
      """
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
      spec:
        containers:
          - name: app
            image: nginx:1.27
      """
    Then pod "app" is running
    And the cluster contains:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
        annotations:
          kubernetes.io/limit-ranger: "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app"
      spec:
        containers:
          - name: app
            resources:
              requests:
                cpu: 100m
                memory: 128Mi
              limits:
                cpu: 500m
                memory: 256Mi
      """
    When I try to apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: greedy
      spec:
        containers:
          - name: app
            image: nginx:1.27
            resources:
              limits:
                cpu: "2"
      """
    Then it is rejected because "maximum cpu usage per Container is 1, but limit is 2"
