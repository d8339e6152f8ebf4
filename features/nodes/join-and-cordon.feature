Feature: Nodes join, and are cordoned and uncordoned
  A new node's kubelet registers its Node, which is Ready once its first
  status is posted; pods waiting for room are scheduled to it. Cordoning
  marks a node unschedulable (spec.unschedulable and the
  node.kubernetes.io/unschedulable:NoSchedule taint): its pods stay, new ones
  go elsewhere.

  Scenario: a pending pod is scheduled to a node that joins
    Given a cluster with 1 node of 2 CPU and 4Gi memory
    And the following manifest is applied:
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
                cpu: "3"
      """
    Then pod "big" stays pending because "Insufficient cpu"
    When a node "node-2" joins the cluster
    Then node "node-2" is ready
    And within 10 seconds pod "big" runs on node "node-2"
    And pod "big" is running

  Scenario: a cordoned node keeps its pods and takes no new ones
    Given a cluster with 2 nodes
    And the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: before
      spec:
        nodeName: node-1
        containers:
          - name: app
            image: nginx:1.27
      """
    When I cordon node "node-1"
    Then node "node-1" is tainted "node.kubernetes.io/unschedulable:NoSchedule"
    And pod "before" is running
    When I apply the manifest "web.yaml"
    Then 3 pods of deployment "web" are running
    And all pods of deployment "web" run on nodes with the label "kubernetes.io/hostname=node-2"
    When I uncordon node "node-1"
    Then node "node-1" is not tainted "node.kubernetes.io/unschedulable:NoSchedule"
    When I scale the deployment "web" to 6 replicas
    Then the pods of deployment "web" are spread over 2 nodes
