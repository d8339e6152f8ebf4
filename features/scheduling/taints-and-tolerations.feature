Feature: Taints keep pods away unless they tolerate them
  A NoSchedule or NoExecute taint rules a node out for pods that do not
  tolerate it (TaintToleration filter); a PreferNoSchedule taint only makes
  the node less attractive (TaintToleration score, weight 3). Cordoning a
  node marks it unschedulable (NodeUnschedulable).

  Background:
    Given a cluster with the following nodes:
      | name   | cpu | memory | taints                       |
      | gpu-1  | 4   | 8Gi    | dedicated=gpu:NoSchedule     |
      | spot-1 | 4   | 8Gi    | spot=true:PreferNoSchedule   |
      | std-1  | 4   | 8Gi    |                              |

  Scenario: a pod without tolerations avoids the tainted nodes
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
          - name: web
            image: nginx:1.27
      """
    Then pod "web" runs on node "std-1"
    And pod "web" was placed on node "std-1" because "node \"gpu-1\" was filtered out by TaintToleration: node(s) had untolerated taint {dedicated: gpu}"

  Scenario: a toleration opens the dedicated node, and PreferNoSchedule tips the balance
    Given node "std-1" is cordoned
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: trainer
      spec:
        tolerations:
          - {key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}
        containers:
          - name: train
            image: nginx:1.27
            resources:
              requests: {cpu: "1"}
      """
    # Both gpu-1 and spot-1 fit; the untolerated PreferNoSchedule taint costs spot-1 the TaintToleration score.
    Then pod "trainer" runs on node "gpu-1"
    And the scheduler scored the nodes for pod "trainer" as:
      | node   | TaintToleration |
      | gpu-1  | 300             |
      | spot-1 | 0               |

  Scenario: nowhere to go
    Given node "std-1" is cordoned
    And node "spot-1" has the taint "spot=true:NoExecute"
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
          - name: web
            image: nginx:1.27
      """
    Then pod "web" stays pending because "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) had untolerated taint {spot: true}, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
