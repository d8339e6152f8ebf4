Feature: A ReplicaSet owns the pods its selector matches
  A ReplicaSet keeps the number of pods its selector matches at
  spec.replicas. It adopts a pod without an owner whose labels match (so it
  creates fewer pods of its own), and it lets go of a pod whose labels stop
  matching, then creates a replacement: relabelling is how to take a pod out
  of service for debugging.

  Background:
    Given a cluster with 2 nodes
    And the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: stray
        labels:
          tier: frontend
      spec:
        containers:
          - name: php-redis
            image: gcr.io/google_samples/gb-frontend:v3
      """

  Scenario: a matching pod without an owner is adopted
    When I apply the following manifest:
      """
      apiVersion: apps/v1
      kind: ReplicaSet
      metadata:
        name: frontend
      spec:
        replicas: 3
        selector:
          matchLabels:
            tier: frontend
        template:
          metadata:
            labels:
              tier: frontend
          spec:
            containers:
              - name: php-redis
                image: gcr.io/google_samples/gb-frontend:v3
      """
    Then 3 pods of replicaset "frontend" are running
    And the cluster contains:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: stray
        ownerReferences:
          - kind: ReplicaSet
            name: frontend
            controller: true
      """

  Scenario: a pod relabelled out of the selector is released and replaced
    Given the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: ReplicaSet
      metadata:
        name: frontend
      spec:
        replicas: 3
        selector:
          matchLabels:
            tier: frontend
        template:
          metadata:
            labels:
              tier: frontend
          spec:
            containers:
              - name: php-redis
                image: gcr.io/google_samples/gb-frontend:v3
      """
    When I run "kubectl label pod stray tier=debug --overwrite"
    Then 3 pods of replicaset "frontend" are running
    And pod "stray" is running
    And the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: stray
        ownerReferences:
          - kind: ReplicaSet
      """
