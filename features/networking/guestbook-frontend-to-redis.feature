Feature: A Python frontend finds Redis through a Service name

  The guestbook of the Kubernetes tutorials: a Redis leader behind a Service
  called "redis-leader", and a Python frontend that connects to it by that
  name. The frontend never learns a pod IP: DNS gives it the service's
  cluster IP, and kube-proxy sends the connection to the Redis pod, wherever
  it runs and however often it is recreated.

  Background:
    Given a cluster with 2 nodes
    And the following manifest is applied:
      """yaml
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: redis-leader
      spec:
        replicas: 1
        selector:
          matchLabels:
            app: redis
            role: leader
        template:
          metadata:
            labels:
              app: redis
              role: leader
          spec:
            containers:
              - name: leader
                image: redis:6.0.5
                ports:
                  - containerPort: 6379
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: redis-leader
      spec:
        selector:
          app: redis
          role: leader
        ports:
          - port: 6379
            targetPort: 6379
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: frontend
        labels:
          app: guestbook
      spec:
        containers:
          - name: python
            image: python:3.12
            command: ["python", "app.py"]
            env:
              - name: REDIS_HOST
                value: redis-leader
            ports:
              - containerPort: 5000
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: frontend
      spec:
        type: NodePort
        selector:
          app: guestbook
        ports:
          - port: 80
            targetPort: 5000
      """

  Scenario: the frontend reaches Redis by name, and visitors reach the frontend through a node port
    Then within 5 seconds a request from pod "frontend" to "redis-leader:6379" reaches a pod of deployment "redis-leader"
    And the DNS name "redis-leader.default.svc.cluster.local" resolves to the cluster IP of service "redis-leader"
    And the service "frontend" has 1 endpoint
    And a request from pod "frontend" to "redis-leader:6380" fails with "has no port 6380"

  Scenario: when the Redis pod is replaced, the name still leads to Redis, at its new address
    When I delete a pod of deployment "redis-leader"
    Then within 10 seconds the service "redis-leader" has 1 endpoint
    And within 5 seconds a request from pod "frontend" to "redis-leader:6379" reaches a pod of deployment "redis-leader"
