Feature: Pods end gracefully
  Deleting a pod marks it Terminating for its grace period
  (terminationGracePeriodSeconds, 30 s by default). The kubelet runs each
  container's preStop hook, whose time comes out of the grace period, then
  sends SIGTERM, and SIGKILL (exit code 137) if the process has not exited
  when the grace period ends; a container always gets at least 2 s after
  SIGTERM. The pod object disappears once its containers have stopped. A
  forced deletion removes it at once.

  Background:
    Given a cluster with 1 node

  Scenario: a process that ignores SIGTERM is killed when the grace period ends
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: stubborn
      spec:
        terminationGracePeriodSeconds: 20
        containers:
          - name: app
            image: busybox:1.36
            command: ["sleep", "3600"]
      """
    When I delete pod "stubborn"
    Then the status of pod "stubborn" is "Terminating"
    And the event "Killing" was recorded for pod "stubborn" saying "Stopping container app"
    And for 19 seconds the status of pod "stubborn" is "Terminating"
    And within 1 second the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: stubborn
      """

  Scenario: a process that handles SIGTERM ends at once
    # The shell runs its trap when the current `sleep 1` returns.
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: polite
      spec:
        containers:
          - name: app
            image: busybox:1.36
            command: ["sh", "-c", "trap 'echo bye; exit 0' TERM; while true; do sleep 1; done"]
      """
    When I delete pod "polite"
    Then within 1 second the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: polite
      """

  Scenario: a preStop hook runs before SIGTERM, within the grace period
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
            lifecycle:
              preStop:
                sleep:
                  seconds: 10
      """
    When I delete pod "web"
    # nginx exits as soon as it gets SIGTERM, after the 10 s hook.
    Then for 9 seconds the status of pod "web" is "Terminating"
    And within 1 second the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      """

  Scenario: a preStop hook that outlasts the grace period leaves the container 2 seconds
    # The hook would take 60 s; the grace period is 15 s. SIGTERM at 15 s,
    # which the shell ignores, then SIGKILL at 17 s.
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: slowstop
      spec:
        terminationGracePeriodSeconds: 15
        containers:
          - name: app
            image: busybox:1.36
            command: ["sh", "-c", "sleep 3600"]
            lifecycle:
              preStop:
                exec:
                  command: ["sh", "-c", "sleep 60"]
      """
    When I delete pod "slowstop"
    Then for 16 seconds the status of pod "slowstop" is "Terminating"
    And within 1 second the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: slowstop
      """

  Scenario: a failing preStop hook is reported, and termination goes on
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        terminationGracePeriodSeconds: 10
        containers:
          - name: app
            image: busybox:1.36
            command: ["sh", "-c", "sleep 3600"]
            lifecycle:
              preStop:
                exec:
                  command: ["sh", "-c", "echo draining; exit 1"]
      """
    When I delete pod "web"
    Then the event "FailedPreStopHook" was recorded for pod "web" saying "PreStopHook failed"
    And within 10 seconds the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      """

  Scenario: the delete's grace period overrides the pod's
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: stubborn
      spec:
        containers:
          - name: app
            image: busybox:1.36
            command: ["sleep", "3600"]
      """
    When I delete pod "stubborn" with a grace period of 5 seconds
    Then for 4 seconds the status of pod "stubborn" is "Terminating"
    And within 1 second the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: stubborn
      """

  Scenario: a forced deletion removes the pod at once
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: stubborn
      spec:
        containers:
          - name: app
            image: busybox:1.36
            command: ["sleep", "3600"]
      """
    When I force delete pod "stubborn"
    Then the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: stubborn
      """

  Scenario: a finished pod is deleted at once
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: done
      spec:
        restartPolicy: Never
        containers:
          - name: app
            image: busybox:1.36
            command: ["sh", "-c", "echo finished"]
      """
    Then pod "done" is succeeded
    When I delete pod "done"
    Then the cluster does not contain:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: done
      """
