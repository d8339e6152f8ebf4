Feature: Scheduler profiles change how pods are placed
  kube-scheduler runs with a KubeSchedulerConfiguration: profiles (chosen by
  a pod's spec.schedulerName) enable or disable plugins, set score weights
  and plugin arguments such as NodeResourcesFit's scoring strategy. A
  scenario can set one before or after the cluster starts (the scheduler
  then restarts with it).

  Background:
    Given a cluster with the following nodes:
      | name  | cpu | memory |
      | big   | 8   | 16Gi   |
      | small | 4   | 8Gi    |

  Scenario: the default LeastAllocated strategy spreads
    When I apply the manifest "two-pods.yaml"
    # The emptiest node first; "big" with one pod is then as empty, relatively, as "small".
    Then pod "first" runs on node "big"

  Scenario: MostAllocated packs pods onto the fullest node
    Given the scheduler uses the MostAllocated strategy
    When I apply the manifest "two-pods.yaml"
    Then pod "first" runs on node "small"
    And pod "second" runs on node "small"

  Scenario: replicas of a Deployment still spread: the system's default topology spreading outweighs MostAllocated
    Given the scheduler uses the MostAllocated strategy
    When I apply the manifest "two-replicas.yaml"
    Then the pods of deployment "pair" are spread over 2 nodes

  Scenario: a disabled plugin no longer filters
    Given node "small" has the taint "dedicated=infra:NoSchedule"
    And node "big" has the taint "dedicated=infra:NoSchedule"
    And the scheduler runs with the TaintToleration plugin disabled
    When I apply the manifest "two-pods.yaml"
    Then pod "first" is running
    And pod "second" is running

  Scenario: a second profile, picked by schedulerName
    Given the scheduler configuration is:
      """
      apiVersion: kubescheduler.config.k8s.io/v1
      kind: KubeSchedulerConfiguration
      profiles:
        - schedulerName: default-scheduler
        - schedulerName: bin-packer
          pluginConfig:
            - name: NodeResourcesFit
              args:
                scoringStrategy:
                  type: MostAllocated
                  resources:
                    - {name: cpu, weight: 1}
      """
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: packed
      spec:
        schedulerName: bin-packer
        containers:
          - name: app
            image: nginx:1.27
            resources:
              requests: {cpu: "2"}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: spread
      spec:
        containers:
          - name: app
            image: nginx:1.27
            resources:
              requests: {cpu: "2"}
      """
    # MostAllocated on cpu alone: 2 of 4 CPU (50) beats 2 of 8 (25) for "packed".
    Then pod "packed" runs on node "small"
    And pod "spread" runs on node "big"

  Scenario: a score weight changes which preference wins
    Given the scheduler gives the NodeAffinity plugin a weight of 10
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
      spec:
        affinity:
          nodeAffinity:
            preferredDuringSchedulingIgnoredDuringExecution:
              - weight: 1
                preference:
                  matchFields:
                    - {key: metadata.name, operator: In, values: [small]}
        containers:
          - name: app
            image: nginx:1.27
            resources:
              requests: {cpu: "3"}
      """
    Then pod "app" runs on node "small"
    And the scheduler scored the nodes for pod "app" as:
      | node  | NodeAffinity |
      | small | 1000         |
      | big   | 0            |
