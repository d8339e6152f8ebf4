Feature: NetworkPolicy decides which pods may talk to which

  Without any NetworkPolicy every pod can reach every other. Once a policy
  selects a pod for ingress, only what some policy allows gets in; the rest
  is dropped, and the client waits until it times out.

  Background:
    Given a cluster with 2 nodes
    And the following manifest is applied:
      """yaml
      apiVersion: v1
      kind: Pod
      metadata:
        name: db
        labels:
          app: db
      spec:
        containers:
          - name: postgres
            image: postgres:17
            env:
              - name: POSTGRES_PASSWORD
                value: example
            ports:
              - name: postgres
                containerPort: 5432
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: api
        labels:
          app: api
      spec:
        containers:
          - name: api
            image: busybox:1.36
            command: ["sleep", "infinity"]
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: a
        labels:
          app: other
      spec:
        containers:
          - name: shell
            image: busybox:1.36
            command: ["sleep", "infinity"]
      """

  Scenario: without a policy every pod reaches the database
    Then pod "a" can reach pod "db" on port 5432
    And pod "api" can reach pod "db" on port 5432

  Scenario: a default-deny policy and an allow rule for the api pods
    When I apply the following manifest:
      """yaml
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: default-deny-ingress
      spec:
        podSelector: {}
        policyTypes: ["Ingress"]
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: db-from-api
      spec:
        podSelector:
          matchLabels:
            app: db
        ingress:
          - from:
              - podSelector:
                  matchLabels:
                    app: api
            ports:
              - port: postgres
      """
    Then pod "a" cannot reach pod "db" on port 5432
    And pod "api" can reach pod "db" on port 5432

  Scenario: an egress policy keeps a pod from everything but DNS
    When I apply the following manifest:
      """yaml
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: a-egress
      spec:
        podSelector:
          matchLabels:
            app: other
        policyTypes: ["Egress"]
        egress:
          - ports:
              - port: 53
                protocol: UDP
              - port: 53
                protocol: TCP
      """
    Then pod "a" cannot reach pod "db" on port 5432
    And pod "api" can reach pod "db" on port 5432
