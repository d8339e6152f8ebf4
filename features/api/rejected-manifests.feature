Feature: The API server refuses objects it cannot accept, and says why
  Every object goes through the same checks as on a real cluster: decoding
  (JSON types, and unknown fields, which kubectl asks to refuse), the
  OpenAPI schema, then the semantic validation of its kind. The refusal names
  the field in the API server's words.

  Background:
    Given a cluster with 1 node

  Scenario: a negative replica count
    When I try to apply the following manifest:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: -1
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
              - name: nginx
                image: nginx:1.27
      """
    Then it is rejected because "spec.replicas: Invalid value: -1: must be greater than or equal to 0"

  Scenario: a selector that does not match the template
    When I try to apply the following manifest:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: webserver}
          spec:
            containers:
              - name: nginx
                image: nginx:1.27
      """
    Then it is rejected because "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"webserver\"}: `selector` does not match template `labels`"

  Scenario: a misspelt field
    When I try to apply the following manifest:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replica: 3
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
              - name: nginx
                image: nginx:1.27
      """
    Then it is rejected because "strict decoding error: unknown field \"spec.replica\""

  Scenario: a value of the wrong type
    When I try to apply the following manifest:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: three
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
              - name: nginx
                image: nginx:1.27
      """
    Then it is rejected because "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"

  Scenario: a name that is not a DNS subdomain
    When I try to apply the following manifest:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: My_Config
      data:
        key: value
      """
    Then it is rejected because "metadata.name: Invalid value: \"My_Config\": a lowercase RFC 1123 subdomain"

  Scenario: a namespace that does not exist
    When I try to apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: lost
        namespace: shop
      spec:
        containers:
          - name: app
            image: nginx:1.27
      """
    Then it is rejected because "namespaces \"shop\" not found"

  Scenario: a valid manifest is accepted
    When I try to apply the manifest "web.yaml"
    Then it is accepted
    And 3 pods of deployment "web" are running
