Feature: Readiness, liveness and startup probes
  The kubelet probes each container from the moment the pod is started, every
  periodSeconds, whatever the container does; nothing counts before
  initialDelaySeconds, and readiness and liveness wait for the startup probe.
  A result changes after successThreshold (or failureThreshold) equal
  results in a row. A failed liveness or startup probe kills the container
  ("Killing: Container x failed liveness probe, will be restarted"), which
  then restarts as any exited container does. A probe that gets no answer
  fails after timeoutSeconds (1 s by default).

  Background:
    Given a cluster with 1 node

  Scenario: a pod is not ready until its readiness probe passes twice
    # The server listens 20 s after it starts. Probes run when the container
    # starts, then every 5 s: refused at 0, 5, 10, 15 s; passing at 20 and 25 s.
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        annotations:
          kubecuke.io/ready-after: 20s
      spec:
        containers:
          - name: nginx
            image: nginx:1.27
            readinessProbe:
              httpGet:
                path: /
                port: 80
              periodSeconds: 5
              successThreshold: 2
      """
    Then pod "web" is running
    And for 24 seconds pod "web" is not ready
    And within 1 second pod "web" is ready
    And the event "Unhealthy" was recorded for pod "web" saying "Readiness probe failed: Get \"http://10.244.0.2:80/\": dial tcp 10.244.0.2:80: connect: connection refused"
    And the containers of pod "web" have restarted 0 times

  Scenario: a hung server fails its liveness probe and is restarted
    # The server stops answering 30 s after it starts. Probes at 30, 40 and
    # 50 s time out one second later; the third failure, at 51 s, kills it.
    # nginx exits at once on SIGTERM, and the first restart is immediate.
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        annotations:
          kubecuke.io/hang-after: 30s
      spec:
        containers:
          - name: nginx
            image: nginx:1.27
            livenessProbe:
              httpGet:
                path: /healthz
                port: 80
              periodSeconds: 10
              failureThreshold: 3
      """
    Then for 50 seconds the containers of pod "web" have restarted 0 times
    And within 1 second the containers of pod "web" have restarted 1 time
    And the event "Unhealthy" was recorded for pod "web" saying "Liveness probe failed: Get \"http://10.244.0.2:80/healthz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
    And the event "Killing" was recorded for pod "web" saying "Container nginx failed liveness probe, will be restarted"
    And pod "web" is running
    And pod "web" is ready

  Scenario: the exec liveness probe of the Kubernetes documentation
    # The file /tmp/healthy exists for 30 s. With initialDelaySeconds 5 and
    # periodSeconds 5, probes pass at 5 .. 25 s and fail at 30, 35 and 40 s:
    # the kubelet kills the container at 40 s. The shell (PID 1) ignores
    # SIGTERM, so it is killed when the 30 s grace period ends, at 70 s.
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: liveness-exec
      spec:
        containers:
          - name: liveness
            image: busybox:1.36
            args: ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"]
            livenessProbe:
              exec:
                command: ["cat", "/tmp/healthy"]
              initialDelaySeconds: 5
              periodSeconds: 5
      """
    Then for 40 seconds pod "liveness-exec" does not have the condition "DisruptionTarget"
    And the event "Killing" was recorded for pod "liveness-exec" saying "Container liveness failed liveness probe, will be restarted"
    And the event "Unhealthy" was recorded for pod "liveness-exec" saying "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory"
    And for 29 seconds the containers of pod "liveness-exec" have restarted 0 times
    And within 1 second the containers of pod "liveness-exec" have restarted 1 time
    And the cluster contains:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: liveness-exec
      status:
        containerStatuses:
          - name: liveness
            restartCount: 1
            lastState:
              terminated:
                exitCode: 137
                reason: Error
      """

  Scenario: a startup probe gives a slow container time to start
    # The server listens after 45 s. The startup probe may fail 6 times, 10 s
    # apart: it passes at 50 s, and only then does the container count as
    # started (and, having no readiness probe, ready).
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: slow
        annotations:
          kubecuke.io/ready-after: 45s
      spec:
        containers:
          - name: app
            image: nginx:1.27
            startupProbe:
              tcpSocket:
                port: 80
              periodSeconds: 10
              failureThreshold: 6
            livenessProbe:
              tcpSocket:
                port: 80
              periodSeconds: 10
              failureThreshold: 1
      """
    Then for 49 seconds pod "slow" is not ready
    And within 1 second pod "slow" is ready
    And for 5 minutes the containers of pod "slow" have restarted 0 times

  Scenario: a container too slow for its startup probe is killed
    # The startup probe fails at 10, 20 and 30 s: killed at 30 s, restarted at once.
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: slow
        annotations:
          kubecuke.io/ready-after: 2m
      spec:
        containers:
          - name: app
            image: nginx:1.27
            startupProbe:
              tcpSocket:
                port: 80
              periodSeconds: 10
              failureThreshold: 3
      """
    Then for 29 seconds the containers of pod "slow" have restarted 0 times
    And within 1 second the containers of pod "slow" have restarted 1 time
    And the event "Killing" was recorded for pod "slow" saying "Container app failed startup probe, will be restarted"
    And the event "Unhealthy" was recorded for pod "slow" saying "Startup probe failed: dial tcp 10.244.0.2:80: connect: connection refused"
    And pod "slow" is not ready

  Scenario: a liveness probe that starts failing restarts the container once
    # The fault lasts as long as the container: the restarted one is healthy.
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
            livenessProbe:
              httpGet:
                path: /healthz
                port: 80
              periodSeconds: 10
      """
    When the liveness probe of pod "web" starts failing
    # Failures at 10, 20 and 30 s.
    Then for 29 seconds the containers of pod "web" have restarted 0 times
    And within 1 second the containers of pod "web" have restarted 1 time
    And the event "Unhealthy" was recorded for pod "web" saying "Liveness probe failed: HTTP probe failed with statuscode: 500"
    And for 10 minutes the containers of pod "web" have restarted 1 time

  Scenario: a liveness probe that keeps failing ends in CrashLoopBackOff
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
            livenessProbe:
              tcpSocket:
                port: 80
              periodSeconds: 5
              failureThreshold: 1
      """
    When the liveness probe of pod "web" keeps failing
    Then within 10 minutes pod "web" is in CrashLoopBackOff
    And the status of pod "web" is "CrashLoopBackOff"

  Scenario: readiness follows a probe that fails and passes again
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
            readinessProbe:
              tcpSocket:
                port: 80
              periodSeconds: 5
              failureThreshold: 3
      """
    Then pod "web" is ready
    When the readiness probe of pod "web" starts failing
    # Failures at 5, 10 and 15 s.
    Then for 14 seconds pod "web" is ready
    And within 1 second pod "web" is not ready
    And the status of pod "web" is "Running"
    When the readiness probe of pod "web" passes again
    Then within 5 seconds pod "web" is ready
    And the containers of pod "web" have restarted 0 times
