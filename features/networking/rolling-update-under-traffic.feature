Feature: A rolling update under traffic drops no request only with a readiness probe and a preStop delay

  While a Deployment replaces its pods, a Service keeps sending traffic to
  them. Two races can drop requests:

  - a new pod is counted as an endpoint before its server listens: without
    a readiness probe the kubelet reports it Ready as soon as it starts;
  - an old pod stops listening the moment it gets SIGTERM, but every node's
    kube-proxy removes it from its rules only at its next sync (at most once
    a second in iptables mode once a burst of two syncs is used up).

  A readiness probe closes the first race. A preStop hook that sleeps a few
  seconds closes the second: the kubelet runs it before SIGTERM, while the
  EndpointSlice controller has already marked the pod terminating and
  kube-proxy has stopped sending it new connections.

  Background:
    Given a cluster with 3 nodes
    And the following manifest is applied:
      """yaml
      apiVersion: v1
      kind: Pod
      metadata:
        name: client
      spec:
        containers:
          - name: curl
            image: busybox:1.36
            command: ["sleep", "infinity"]
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        selector:
          app: web
        ports:
          - port: 80
            targetPort: http
      """

  Scenario: with a readiness probe and a preStop delay, no request fails
    Given the following manifest is applied:
      """yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 3
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
            annotations:
              kubecuke.io/ready-after: "3s"
          spec:
            containers:
              - name: web
                image: nginx:1.26
                ports:
                  - name: http
                    containerPort: 80
                readinessProbe:
                  httpGet:
                    path: /
                    port: http
                  periodSeconds: 2
                lifecycle:
                  preStop:
                    exec:
                      command: ["sleep", "5"]
      """
    And within 1 minute the service "web" has 3 endpoints
    And steady traffic from pod "client" to "http://web"
    When I set the image of deployment "web" to "nginx:1.27"
    Then within 2 minutes all pods of deployment "web" run the image "nginx:1.27"
    And for 15 seconds the service "web" has 3 endpoints
    And no request to "http://web" failed during the rollout

  Scenario: without a readiness probe, some requests fail and are listed
    Given the following manifest is applied:
      """yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 3
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
            annotations:
              kubecuke.io/ready-after: "3s"
          spec:
            containers:
              - name: web
                image: nginx:1.26
                ports:
                  - name: http
                    containerPort: 80
      """
    And within 1 minute the service "web" has 3 endpoints
    And steady traffic from pod "client" to "http://web"
    When I set the image of deployment "web" to "nginx:1.27"
    Then within 2 minutes all pods of deployment "web" run the image "nginx:1.27"
    And for 15 seconds the service "web" has 3 endpoints
    And some requests to "http://web" failed during the rollout
