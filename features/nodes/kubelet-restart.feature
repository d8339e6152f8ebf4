Feature: A kubelet that restarts leaves its containers running
  Restarting the kubelet process (an upgrade, a crash) does not stop the
  containers: the container runtime keeps them. The new kubelet finds them
  again, keeps their restart counts, and starts probing afresh: a container
  with a readiness probe is not ready until that probe passes again, which
  happens within one period (the prober of a kubelet that just started waits
  a random part of a period before each first probe).

  Background:
    Given a cluster with 2 nodes
    And the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 2
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
          spec:
            containers:
              - name: nginx
                image: nginx:1.27
                readinessProbe:
                  tcpSocket:
                    port: 80
                  periodSeconds: 10
      """
    And the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: counter
      spec:
        nodeName: node-1
        containers:
          - name: app
            image: busybox:1.36
            command: ["sh", "-c", "while true; do echo tick; sleep 1; done"]
      """

  Scenario: pods survive a kubelet restart
    When the kubelet on node "node-1" restarts
    Then pod "counter" is running
    And the containers of pod "counter" have restarted 0 times
    And for 10 minutes the containers of pod "counter" have restarted 0 times
    And 2 pods of deployment "web" are running
    And node "node-1" is ready
    And the cluster invariants hold

  Scenario: probed containers are ready again within a probe period
    When the kubelet on node "node-1" restarts
    Then the deployment "web" has 1 ready replica
    And within 10 seconds the deployment "web" has 2 ready replicas
    And for 5 minutes the pods of deployment "web" are spread over 2 nodes
