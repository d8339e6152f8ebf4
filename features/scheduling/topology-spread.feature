Feature: Topology spread constraints keep replicas balanced across zones
  A DoNotSchedule constraint lets a pod go only where its domain (here: its
  zone) would not get more than maxSkew matching pods ahead of the emptiest
  domain. Every node the pod may use is a domain, whether it is healthy or
  not: a dead node's zone still counts, and still has few pods, so it can
  hold the others back. nodeTaintsPolicy: Honor leaves out nodes whose taints
  the pod does not tolerate, a dead node's included.

  Background:
    Given a cluster with the following nodes:
      | name   | cpu | memory | labels |
      | node-a | 4   | 8Gi    | zone=a |
      | node-b | 4   | 8Gi    | zone=b |
      | node-c | 4   | 8Gi    | zone=c |

  Scenario: replicas spread one per zone, then evenly
    When I apply the following manifest:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 6
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            topologySpreadConstraints:
              - maxSkew: 1
                topologyKey: topology.kubernetes.io/zone
                whenUnsatisfiable: DoNotSchedule
                labelSelector:
                  matchLabels: {app: web}
            containers:
              - name: web
                image: nginx:1.27
      """
    Then 6 pods of deployment "web" are running
    And the pods of deployment "web" are spread over 3 nodes
    And the cluster invariants hold

  Scenario: a dead node's zone still counts as a domain
    Given the manifest "spread-web.yaml" is applied
    And 3 pods of deployment "web" are running
    When node "node-c" dies
    # After the 50 s grace period and the 300 s NoExecute toleration, the pod of zone c
    # is evicted and replaced; zone c still counts with 0 pods, so zones a and b (1 each)
    # are as far ahead as maxSkew allows, and node-c itself is tainted.
    Then within 7 minutes a pod of deployment "web" stays pending because "1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 2 node(s) didn't match pod topology spread constraints."
    When node "node-c" comes back
    Then within 2 minutes 3 pods of deployment "web" are running

  Scenario: with nodeTaintsPolicy Honor, the dead zone no longer holds the others back
    Given the manifest "spread-web-honor.yaml" is applied
    And 3 pods of deployment "web" are running
    When node "node-c" dies
    Then within 7 minutes no pod runs on node "node-c"
    And 3 pods of deployment "web" are running
    And the pods of deployment "web" are spread over 2 nodes
