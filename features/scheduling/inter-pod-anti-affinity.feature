Feature: Inter-pod affinity and anti-affinity place pods by the pods already there
  Required anti-affinity keeps a pod out of every topology domain (here: each
  node, kubernetes.io/hostname) that already runs a pod its label selector
  matches, and existing pods' anti-affinity works both ways (symmetry).
  Required affinity wants a domain that runs a matching pod.

  Background:
    Given a cluster with 3 nodes

  Scenario: one replica per node, and the fourth has nowhere to go
    When I apply the following manifest:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: cache
      spec:
        replicas: 4
        selector:
          matchLabels: {app: cache}
        template:
          metadata:
            labels: {app: cache}
          spec:
            affinity:
              podAntiAffinity:
                requiredDuringSchedulingIgnoredDuringExecution:
                  - labelSelector:
                      matchLabels: {app: cache}
                    topologyKey: kubernetes.io/hostname
            containers:
              - name: redis
                image: redis:7
      """
    Then 3 pods of deployment "cache" are running
    And the pods of deployment "cache" are spread over 3 nodes
    And a pod of deployment "cache" stays pending because "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules."

  Scenario: an existing pod's anti-affinity keeps newcomers away (symmetry)
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: loner
        labels: {app: loner}
      spec:
        nodeName: node-2
        affinity:
          podAntiAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              - labelSelector:
                  matchLabels: {team: noisy}
                topologyKey: kubernetes.io/hostname
        containers:
          - name: app
            image: nginx:1.27
      """
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: noisy
        labels: {team: noisy}
      spec:
        nodeSelector: {kubernetes.io/hostname: node-2}
        containers:
          - name: app
            image: nginx:1.27
      """
    Then pod "noisy" stays pending because "1 node(s) didn't satisfy existing pods anti-affinity rules, 2 node(s) didn't match Pod's node affinity/selector"

  Scenario: affinity puts a pod beside the one it needs
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: db
        labels: {app: db}
      spec:
        nodeName: node-3
        containers:
          - name: db
            image: redis:7
      """
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: api
      spec:
        affinity:
          podAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              - labelSelector:
                  matchLabels: {app: db}
                topologyKey: kubernetes.io/hostname
        containers:
          - name: api
            image: nginx:1.27
      """
    Then pod "api" runs on node "node-3"
    And pod "api" was placed on node "node-3" because "node(s) didn't match pod affinity rules"
