Feature: Node conditions and their taints
  The kubelet reports MemoryPressure, DiskPressure and PIDPressure beside
  Ready. The node lifecycle controller taints a node under pressure
  (node.kubernetes.io/disk-pressure:NoSchedule, ...), so that the scheduler
  sends new pods elsewhere, and the kubelet evicts pods until the pressure
  is gone. A condition outlasts the pressure by 5 minutes
  (--eviction-pressure-transition-period).

  Scenario: a full disk: pressure, a taint, evictions, and pods replaced elsewhere
    # nodefs.available drops to 5%, under the 10% hard threshold. The eviction
    # manager looks every 10 s; the kubelet posts the condition with its next
    # status update (every 10 s).
    Given a cluster with 2 nodes
    And the manifest "web.yaml" is applied
    And the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: lone
      spec:
        nodeName: node-1
        containers:
          - name: nginx
            image: nginx:1.27
      """
    Then node "node-1" does not have the condition "DiskPressure"
    When the disk of node "node-1" fills up
    Then within 20 seconds node "node-1" has the condition "DiskPressure"
    And within 1 second node "node-1" is tainted "node.kubernetes.io/disk-pressure:NoSchedule"
    And within 1 minute no pod runs on node "node-1"
    And pod "lone" was evicted because "The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 5Gi."
    And within 10 seconds 3 pods of deployment "web" are running
    When the disk of node "node-1" is freed
    Then for 4 minutes node "node-1" has the condition "DiskPressure"
    And within 80 seconds node "node-1" does not have the condition "DiskPressure"
    And within 1 second node "node-1" is not tainted "node.kubernetes.io/disk-pressure:NoSchedule"

  Scenario: a healthy node reports its conditions as the kubelet words them
    Given a cluster with 1 node
    Then the cluster contains:
      """
      apiVersion: v1
      kind: Node
      metadata:
        name: node-1
      status:
        conditions:
          - type: MemoryPressure
            status: "False"
            reason: KubeletHasSufficientMemory
            message: kubelet has sufficient memory available
          - type: DiskPressure
            status: "False"
            reason: KubeletHasNoDiskPressure
            message: kubelet has no disk pressure
          - type: PIDPressure
            status: "False"
            reason: KubeletHasSufficientPID
            message: kubelet has sufficient PID available
          - type: Ready
            status: "True"
            reason: KubeletReady
            message: kubelet is posting ready status
      """
