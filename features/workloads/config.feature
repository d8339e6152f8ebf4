Feature: ConfigMaps and Secrets
  A Secret's data is base64; stringData is a write-only convenience that the
  API server merges into data. An immutable ConfigMap or Secret refuses
  changes to its data and to its immutability; it can only be deleted and
  created again.

  Background:
    Given a cluster with 1 node

  Scenario: stringData is stored base64-encoded in data
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Secret
      metadata:
        name: db
      stringData:
        password: s3cr3t
      """
    Then the cluster contains:
      """
      apiVersion: v1
      kind: Secret
      metadata:
        name: db
      type: Opaque
      data:
        password: czNjcjN0
      """

  Scenario: an immutable ConfigMap refuses changes
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      immutable: true
      data:
        mode: fast
      """
    When I try to apply the following manifest:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      immutable: true
      data:
        mode: slow
      """
    Then it is rejected because "data: Forbidden: field is immutable when `immutable` is set"
