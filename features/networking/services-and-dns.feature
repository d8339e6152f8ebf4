Feature: A Service gives a set of pods one name and one address

  Pods come and go and change IP each time they are recreated. A Service
  selects pods by label; the EndpointSlice controller lists the ready ones;
  kube-proxy on every node sends each connection to the service's cluster IP
  to one of them; CoreDNS gives the service a name.

  Background:
    Given a cluster with 3 nodes
    And the following manifest is applied:
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
          spec:
            containers:
              - name: web
                image: nginx:1.27
                ports:
                  - name: http
                    containerPort: 80
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
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: client
      spec:
        containers:
          - name: curl
            image: busybox:1.36
            command: ["sleep", "infinity"]
      """

  Scenario: the service name resolves to its cluster IP and requests spread over its pods
    Then the service "web" has 3 endpoints
    And the DNS name "web.default.svc.cluster.local" resolves to the cluster IP of service "web"
    # kube-proxy syncs at most once a second after a burst: the first request may find no rule yet.
    And within 5 seconds a request from pod "client" to "http://web" reaches a pod of deployment "web"
    When pod "client" sends 100 requests to "http://web"
    Then the requests were spread over 3 pods

  Scenario: a service without ready pods rejects connections, and a name that does not exist does not resolve
    When I scale the deployment "web" to 0 replicas
    Then within 10 seconds the service "web" has 0 endpoints
    And within 5 seconds a request from pod "client" to "http://web" fails with "has no endpoints"
    And a request from pod "client" to "http://nope" fails with "NXDOMAIN"
    And a request from pod "client" to "http://web:8080" fails with "has no port 8080"

  Scenario: a targetPort nothing listens on is refused by the pod
    When I apply the following manifest:
      """yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: wrong-port
      spec:
        selector:
          app: web
        ports:
          - port: 80
            targetPort: 8080
      """
    Then within 5 seconds the service "wrong-port" has 3 endpoints
    And within 5 seconds a request from pod "client" to "http://wrong-port" fails with "nothing listens on port 8080"

  Scenario: a node port is allocated from 30000-32767 and a taken one is refused
    When I apply the following manifest:
      """yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: web-np
      spec:
        type: NodePort
        selector:
          app: web
        ports:
          - port: 80
            targetPort: http
            nodePort: 30080
      """
    And I try to apply the following manifest:
      """yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: other
      spec:
        type: NodePort
        selector:
          app: web
        ports:
          - port: 80
            nodePort: 30080
      """
    Then it is rejected because "spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated"
    And within 5 seconds a request from outside the cluster to "http://172.18.0.3:30080" reaches a pod of deployment "web"

  Scenario: a headless service resolves to its ready pods, and a StatefulSet-style pod gets its own name
    When I apply the following manifest:
      """yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: db
      spec:
        clusterIP: None
        selector:
          app: db
        ports:
          - name: postgres
            port: 5432
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: db-0
        labels:
          app: db
      spec:
        hostname: db-0
        subdomain: db
        containers:
          - name: postgres
            image: postgres:17
            env:
              - name: POSTGRES_PASSWORD
                value: example
      """
    Then within 5 seconds the DNS name "db.default.svc.cluster.local" resolves to 1 address
    And the DNS name "db-0.db.default.svc.cluster.local" resolves to 1 address
    And pod "client" can reach pod "db-0" on port 5432
