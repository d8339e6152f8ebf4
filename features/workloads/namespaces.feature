Feature: Deleting a namespace deletes everything in it
  A namespace being deleted turns Terminating and accepts nothing new. The
  namespace controller deletes every object inside it and reports what
  remains in the namespace's conditions; once the last pod has finished
  terminating, it removes its finalizer and the namespace is gone. Every
  namespace gets a default ServiceAccount.

  Background:
    Given a cluster with 2 nodes
    And I work in namespace "shop"
    And the manifest "web.yaml" is applied

  Scenario: a new namespace has a default service account
    Then the cluster contains:
      """
      apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: default
        namespace: shop
      """

  Scenario: deleting a namespace deletes its deployments, replica sets and pods
    When I delete the namespace "shop"
    Then within 1 minute the cluster does not contain:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
      """
    And the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        namespace: shop
      """
    And the cluster does not contain:
      """
      apiVersion: apps/v1
      kind: ReplicaSet
      metadata:
        namespace: shop
      """

  Scenario: a namespace stays Terminating while a pod shuts down, and accepts nothing new
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: slow
        namespace: shop
      spec:
        terminationGracePeriodSeconds: 60
        containers:
          - name: main
            image: busybox:1.36
            command: ["sh", "-c", "trap '' TERM; while true; do sleep 1; done"]
      """
    When I delete the namespace "shop"
    And I try to apply the following manifest:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: late
        namespace: shop
      data:
        key: value
      """
    Then it is rejected because "because it is being terminated"
    And the cluster contains:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
      status:
        phase: Terminating
        conditions:
          - type: NamespaceDeletionDiscoveryFailure
            status: "False"
          - type: NamespaceDeletionGroupVersionParsingFailure
            status: "False"
          - type: NamespaceDeletionContentFailure
            status: "False"
            reason: ContentDeleted
          - type: NamespaceContentRemaining
            status: "True"
            reason: SomeResourcesRemain
            message: "Some resources are remaining: pods has 1 resource instances"
          - type: NamespaceFinalizersRemaining
            status: "False"
      """
    And within 2 minutes the cluster does not contain:
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
      """
