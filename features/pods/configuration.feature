Feature: Containers get their configuration from ConfigMaps and Secrets
  The kubelet builds a container's environment from env and envFrom before it
  creates the container. A ConfigMap, Secret or key that does not exist (and
  is not optional) fails it with CreateContainerConfigError, and the kubelet
  tries again (every 10 to 15 s) until it appears. A ConfigMap or Secret
  volume that cannot be mounted keeps the pod in ContainerCreating, with
  FailedMount events, until it can be.

  Background:
    Given a cluster with 1 node

  Scenario: a missing ConfigMap holds the container back until it is created
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
      spec:
        containers:
          - name: app
            image: busybox:1.36
            command: ["sh", "-c", "echo mode=$MODE; sleep 3600"]
            env:
              - name: MODE
                valueFrom:
                  configMapKeyRef:
                    name: settings
                    key: mode
      """
    Then the status of pod "app" is "CreateContainerConfigError"
    And pod "app" is pending
    And the event "Failed" was recorded for pod "app" saying "Error: configmap \"settings\" not found"
    And the cluster contains:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
      status:
        containerStatuses:
          - name: app
            state:
              waiting:
                reason: CreateContainerConfigError
                message: configmap "settings" not found
      """
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data:
        mode: fast
      """
    Then within 15 seconds pod "app" is running
    And the logs of pod "app" contain "mode=fast"

  Scenario: a missing key is an error too, unless the reference is optional
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data:
        mode: fast
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: strict
      spec:
        containers:
          - name: app
            image: nginx:1.27
            env:
              - name: LEVEL
                valueFrom:
                  configMapKeyRef:
                    name: settings
                    key: level
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: lenient
      spec:
        containers:
          - name: app
            image: nginx:1.27
            env:
              - name: LEVEL
                valueFrom:
                  configMapKeyRef:
                    name: settings
                    key: level
                    optional: true
            envFrom:
              - secretRef:
                  name: extras
                  optional: true
      """
    Then the status of pod "strict" is "CreateContainerConfigError"
    And the event "Failed" was recorded for pod "strict" saying "Error: couldn't find key level in ConfigMap default/settings"
    And pod "lenient" is running

  Scenario: a Secret supplies the password the database needs
    # postgres refuses to start without a superuser password.
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: db
      spec:
        containers:
          - name: postgres
            image: postgres:17
            envFrom:
              - secretRef:
                  name: db-credentials
      """
    Then the event "Failed" was recorded for pod "db" saying "Error: secret \"db-credentials\" not found"
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Secret
      metadata:
        name: db-credentials
      stringData:
        POSTGRES_PASSWORD: s3cret
      """
    Then within 15 seconds pod "db" is running
    And for 5 minutes the containers of pod "db" have restarted 0 times

  Scenario: without the Secret's password the database exits
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Secret
      metadata:
        name: db-credentials
      stringData:
        POSTGRES_USER: admin
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: db
      spec:
        containers:
          - name: postgres
            image: postgres:17
            envFrom:
              - secretRef:
                  name: db-credentials
      """
    Then pod "db" is in CrashLoopBackOff
    And the logs of pod "db" contain "Error: Database is uninitialized and superuser password is not specified."

  Scenario: a volume that cannot be mounted keeps the pod in ContainerCreating
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
          - name: nginx
            image: nginx:1.27
            volumeMounts:
              - name: config
                mountPath: /etc/nginx/conf.d
        volumes:
          - name: config
            configMap:
              name: nginx-config
      """
    Then the status of pod "web" is "ContainerCreating"
    And the event "FailedMount" was recorded for pod "web" saying "MountVolume.SetUp failed for volume \"config\" : configmap \"nginx-config\" not found"
    And pod "web" does not have the condition "PodReadyToStartContainers"
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: nginx-config
      data:
        default.conf: "server { listen 80; }"
      """
    # The volume manager retries 0.5 s, 1 s, 2 s ... apart (at most 2m2s).
    Then within 2 minutes pod "web" is running
    And pod "web" has the condition "PodReadyToStartContainers"
