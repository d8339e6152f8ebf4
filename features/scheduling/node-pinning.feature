Feature: Pinning a pod to one node, as a DaemonSet does
  The DaemonSet controller pins each of its pods to a node with required
  node affinity on the node's name (matchFields metadata.name In [node]),
  and lets them tolerate a cordoned node. The NodeAffinity PreFilter then
  narrows the scheduler's search to that node; every other node is reported
  as not satisfying NodeAffinity. A pod that names spec.nodeName skips the
  scheduler altogether.

  Background:
    Given a cluster with 3 nodes of 2 CPU and 4Gi memory

  Scenario: a pinned pod lands on its node
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: agent-node-2
      spec:
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms:
                - matchFields:
                    - {key: metadata.name, operator: In, values: [node-2]}
        containers:
          - name: agent
            image: nginx:1.27
      """
    Then pod "agent-node-2" runs on node "node-2"

  Scenario: a pinned pod whose node is full waits, and says so
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: hog
      spec:
        nodeName: node-2
        containers:
          - name: hog
            image: nginx:1.27
            resources:
              requests: {cpu: "2"}
      """
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: agent-node-2
      spec:
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms:
                - matchFields:
                    - {key: metadata.name, operator: In, values: [node-2]}
        containers:
          - name: agent
            image: nginx:1.27
            resources:
              requests: {cpu: 100m}
      """
    Then pod "agent-node-2" stays pending because "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]."
    When I delete pod "hog"
    Then within 1 minute pod "agent-node-2" runs on node "node-2"

  Scenario: a pinned pod that tolerates cordoning still runs on a cordoned node
    Given node "node-3" is cordoned
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: agent-node-3
      spec:
        tolerations:
          - {key: node.kubernetes.io/unschedulable, operator: Exists, effect: NoSchedule}
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms:
                - matchFields:
                    - {key: metadata.name, operator: In, values: [node-3]}
        containers:
          - name: agent
            image: nginx:1.27
      """
    Then pod "agent-node-3" runs on node "node-3"
