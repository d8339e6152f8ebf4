Feature: A pod made again while the scheduler still waits for the first one's volume
  With a WaitForFirstConsumer claim the scheduler picks a node, writes it on
  the claim and waits (VolumeBinding's PreBind polls every second) until the
  volume is provisioned and bound there; only then does it bind the pod. If
  the pod is deleted and made again under the same name meanwhile, the new
  one, whose claim is now bound, is scheduled at once, and the first one's
  binding fails a second later. The scheduler then records the failure on
  the pod of that name with a strategic merge patch of its PodScheduled
  condition: the new pod keeps its other conditions and stays ready.

  Scenario: a StatefulSet pod replaced by an update while its volume is provisioned
    Given a cluster with 1 node
    And the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: web
      spec:
        serviceName: web
        replicas: 2
        podManagementPolicy: Parallel
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
          spec:
            containers:
              - name: app
                image: nginx:1.25
        volumeClaimTemplates:
          - metadata:
              name: data
            spec:
              accessModes: [ReadWriteOnce]
              resources:
                requests:
                  storage: 1Gi
      """
    # +0s: web-1 waits in PreBind for data-web-1 (web-0 waits for another try: its claim
    # changed under the scheduler); the update deletes web-1 and makes it again, bound at
    # once. +1s: the first web-1's binding fails.
    When I set the image of statefulset "web" to "nginx:1.26"
    And 30 seconds pass
    Then pod "web-0" is ready
    And pod "web-1" is ready
    And the statefulset "web" has 2 ready replicas
