Feature: Crashed containers are restarted, with a growing back-off
  The kubelet restarts a container that exits (restartPolicy Always). The first
  restart is immediate; each later one waits out a back-off measured from the
  moment the container finished: 10 s, doubling, at most 5 minutes, and reset
  once a container has run for 10 minutes. A container that always crashes at
  once is therefore started at 0, 10, 30, 70, 150, 310 and 610 s, and waits in
  CrashLoopBackOff in between.

  Background:
    Given a cluster with 1 node

  Scenario: a pod that crashes once is restarted at once
    Given the manifest "web.yaml" is applied
    When a pod of deployment "web" crashes
    Then 3 pods of deployment "web" are running
    And the deployment "web" has 3 ready replicas

  Scenario: a container that keeps crashing backs off
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: crasher
      spec:
        containers:
          - name: app
            image: busybox:1.36
            command: ["sh", "-c", "echo starting; exit 1"]
      """
    Then pod "crasher" is in CrashLoopBackOff
    And the containers of pod "crasher" have restarted 1 time
    And for 9 seconds the containers of pod "crasher" have restarted 1 time
    And within 1 second the containers of pod "crasher" have restarted 2 times
    And for 19 seconds the containers of pod "crasher" have restarted 2 times
    And within 1 second the containers of pod "crasher" have restarted 3 times
    And within 40 seconds the containers of pod "crasher" have restarted 4 times
    And within 80 seconds the containers of pod "crasher" have restarted 5 times
    And within 160 seconds the containers of pod "crasher" have restarted 6 times
    And within 300 seconds the containers of pod "crasher" have restarted 7 times
    And pod "crasher" is running
    And the event "BackOff" was recorded for pod "crasher"
    When I run "kubectl logs crasher"
    Then the output contains "starting"

  Scenario: a pod that must not restart fails
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: once
      spec:
        restartPolicy: Never
        containers:
          - name: app
            image: busybox:1.36
            command: ["sh", "-c", "sleep 5; exit 3"]
      """
    Then pod "once" is running
    And within 5 seconds pod "once" is failed
    And the cluster contains:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: once
      status:
        phase: Failed
        containerStatuses:
          - name: app
            restartCount: 0
            state:
              terminated:
                exitCode: 3
                reason: Error
      """

  Scenario: a finished command succeeds
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: done
      spec:
        restartPolicy: OnFailure
        containers:
          - name: app
            image: busybox:1.36
            command: ["sh", "-c", "echo hello; sleep 30"]
      """
    Then for 29 seconds pod "done" is running
    And within 1 second pod "done" is succeeded
