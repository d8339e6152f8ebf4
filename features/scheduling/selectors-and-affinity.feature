Feature: Node selectors and node affinity choose where pods may and would rather go
  A nodeSelector or requiredDuringSchedulingIgnoredDuringExecution node
  affinity rules out nodes whose labels do not match (NodeAffinity filter,
  with In, NotIn, Exists, DoesNotExist, Gt and Lt); preferred terms add their
  weights to the nodes that match them (NodeAffinity score, weight 2).

  Background:
    Given a cluster with the following nodes:
      | name   | cpu | memory | labels                        |
      | ssd-a  | 4   | 8Gi    | zone=a, disktype=ssd          |
      | hdd-a  | 4   | 8Gi    | zone=a, disktype=hdd          |
      | ssd-b  | 4   | 8Gi    | zone=b, disktype=ssd, gpus=2  |

  Scenario: a node selector keeps pods to matching nodes
    When I apply the following manifest:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: db
      spec:
        replicas: 4
        selector:
          matchLabels: {app: db}
        template:
          metadata:
            labels: {app: db}
          spec:
            nodeSelector: {disktype: ssd}
            containers:
              - name: db
                image: redis:7
      """
    Then 4 pods of deployment "db" are running
    And all pods of deployment "db" run on nodes with the label "disktype=ssd"

  Scenario: required affinity no node matches
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: gpu-job
      spec:
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms:
                - matchExpressions:
                    - {key: gpus, operator: Gt, values: ["4"]}
        containers:
          - name: train
            image: nginx:1.27
      """
    Then pod "gpu-job" stays pending because "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."

  Scenario: preferred affinity picks among the nodes that fit
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: cache
      spec:
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms:
                - matchExpressions:
                    - {key: disktype, operator: In, values: [ssd]}
            preferredDuringSchedulingIgnoredDuringExecution:
              - weight: 50
                preference:
                  matchExpressions:
                    - {key: topology.kubernetes.io/zone, operator: In, values: [b]}
        containers:
          - name: cache
            image: redis:7
      """
    Then pod "cache" runs on node "ssd-b"
    And pod "cache" was placed on node "ssd-b" because "node \"hdd-a\" was filtered out by NodeAffinity"
    And the scheduler scored the nodes for pod "cache" as:
      | node  | NodeAffinity |
      | ssd-a | 0            |
      | ssd-b | 200          |
