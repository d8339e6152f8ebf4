Feature: A HorizontalPodAutoscaler follows the load
  Every 15 seconds the autoscaler compares the pods' average CPU usage, as a
  percentage of their requests, with its target, and asks for
  ceil(current replicas x usage / target) replicas, within minReplicas and
  maxReplicas. A change within 10% of the target is ignored. It scales up at
  most to twice the replicas (or 4) per step, and down only to the highest
  recommendation of the last 5 minutes. spec.behavior replaces those rules
  with stabilization windows and policies. Metrics come from metrics-server,
  which needs two scrapes 15 seconds apart before it reports a pod.

  Background:
    Given a cluster with 3 nodes
    And the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: api
      spec:
        replicas: 2
        selector:
          matchLabels:
            app: api
        template:
          metadata:
            labels:
              app: api
          spec:
            containers:
              - name: api
                image: nginx:1.27
                resources:
                  requests:
                    cpu: 500m
      """

  Scenario: scaling up under load, up to maxReplicas
    Given the following manifest is applied:
      """
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata:
        name: api
      spec:
        scaleTargetRef:
          apiVersion: apps/v1
          kind: Deployment
          name: api
        minReplicas: 2
        maxReplicas: 6
        metrics:
          - type: Resource
            resource:
              name: cpu
              target:
                type: Utilization
                averageUtilization: 60
      """
    When the CPU usage of every pod of deployment "api" is 900m
    # 900m of 500m is 180%: ceil(2 x 180 / 60) = 6, but one step may at most double: 4 first, then 6.
    Then within 1 minute the horizontal pod autoscaler "api" wants 4 replicas
    And within 1 minute the horizontal pod autoscaler "api" wants 6 replicas
    And the cluster contains:
      """
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata:
        name: api
      status:
        currentMetrics:
          - type: Resource
            resource:
              name: cpu
              current:
                averageUtilization: 180
                averageValue: 900m
      """
    And within 1 minute 6 pods of deployment "api" are running
    And the event "SuccessfulRescale" was recorded for the horizontal pod autoscaler "api"

  Scenario: scaling down waits for the 5-minute stabilization window
    Given the following manifest is applied:
      """
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata:
        name: api
      spec:
        scaleTargetRef:
          apiVersion: apps/v1
          kind: Deployment
          name: api
        minReplicas: 1
        maxReplicas: 6
        metrics:
          - type: Resource
            resource:
              name: cpu
              target:
                type: Utilization
                averageUtilization: 60
      """
    And the CPU usage of every pod of deployment "api" is 300m
    And 2 minutes pass
    When the CPU usage of every pod of deployment "api" is 30m
    Then for 4 minutes 2 pods of deployment "api" are running
    And within 2 minutes the horizontal pod autoscaler "api" wants 1 replica
    And within 1 minute 1 pod of deployment "api" is running

  Scenario: a scale-up policy adds at most one pod a minute
    Given the following manifest is applied:
      """
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata:
        name: api
      spec:
        scaleTargetRef:
          apiVersion: apps/v1
          kind: Deployment
          name: api
        minReplicas: 2
        maxReplicas: 10
        metrics:
          - type: Resource
            resource:
              name: cpu
              target:
                type: Utilization
                averageUtilization: 50
        behavior:
          scaleUp:
            policies:
              - type: Pods
                value: 1
                periodSeconds: 60
      """
    When the CPU usage of every pod of deployment "api" is 500m
    Then within 1 minute 3 pods of deployment "api" are running
    And for 50 seconds 3 pods of deployment "api" are running
    And within 30 seconds 4 pods of deployment "api" are running
    And the cluster contains:
      """
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata:
        name: api
      status:
        conditions:
          - type: AbleToScale
            status: "True"
          - type: ScalingActive
            status: "True"
            reason: ValidMetricFound
          - type: ScalingLimited
            status: "True"
            reason: ScaleUpLimit
      """
