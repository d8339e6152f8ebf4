Feature: Simulated containers do what their manifest says
  A container runs its command as a shell would read it (sleep, echo, exit,
  true, false, `;`, `&&`, `sh -c`, endless loops); without a command it runs
  its image's default process: servers run until stopped, shells exit at
  once. Pod annotations pin down the rest: kubecuke.io/exit-after,
  exit-code, ready-after, hang-after, cpu-usage and memory-usage, for every
  container or, as kubecuke.io/<container>.<key>, for one.

  Background:
    Given a cluster with 1 node

  Scenario: a command runs on simulated time and its echo becomes the log
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: task
      spec:
        restartPolicy: Never
        containers:
          - name: app
            image: busybox:1.36
            command: ["sh", "-c", "echo one; echo two && sleep 5 && echo three; false || echo four"]
      """
    Then the logs of pod "task" contain "two"
    And the logs of pod "task" do not contain "three"
    And for 4 seconds pod "task" is running
    And within 1 second pod "task" is succeeded
    And the logs of pod "task" contain "three"
    And the logs of pod "task" contain "four"

  Scenario: an endless loop runs until stopped
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: ticker
      spec:
        containers:
          - name: app
            image: busybox:1.36
            command: ["sh", "-c", "while true; do echo tick; sleep 10; done"]
      """
    Then for 10 minutes the containers of pod "ticker" have restarted 0 times
    And the logs of pod "ticker" contain "tick"

  Scenario Outline: how containers end
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
      spec:
        restartPolicy: Never
        containers:
          - name: app
            image: <image>
            <command>
      """
    Then pod "app" is <phase>
    And the status of pod "app" is "<status>"

    Examples:
      | image        | command                        | phase     | status             |
      | busybox:1.36 | command: ["true"]              | succeeded | Completed          |
      | busybox:1.36 | command: ["false"]             | failed    | Error              |
      | busybox:1.36 | command: ["sh", "-c", "exit 7"] | failed    | Error              |
      | busybox:1.36 | args: []                       | succeeded | Completed          |
      | alpine:3.20  | args: []                       | succeeded | Completed          |
      | nginx:1.27   | args: []                       | running   | Running            |
      | nginx:1.27   | command: ["nginxx"]            | failed    | StartError         |

  Scenario: a shell image without a command exits at once, and keeps being restarted
    Given the following manifest is applied:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: shell
      spec:
        replicas: 1
        selector:
          matchLabels:
            app: shell
        template:
          metadata:
            labels:
              app: shell
          spec:
            containers:
              - name: ubuntu
                image: ubuntu:24.04
      """
    Then the event "BackOff" was recorded for a pod of deployment "shell"

  Scenario: annotations make a server exit, for one container only
    # The sidecar exits with code 2 after 30 s; nginx runs on.
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        annotations:
          kubecuke.io/agent.exit-after: 30s
          kubecuke.io/agent.exit-code: "2"
      spec:
        containers:
          - name: nginx
            image: nginx:1.27
          - name: agent
            image: redis:7.4
      """
    Then for 29 seconds container "agent" of pod "web" has restarted 0 times
    And within 1 second container "agent" of pod "web" has restarted 1 time
    And container "nginx" of pod "web" has restarted 0 times
    And the cluster contains:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      status:
        containerStatuses:
          - name: nginx
            restartCount: 0
          - name: agent
            restartCount: 1
            lastState:
              terminated:
                exitCode: 2
                reason: Error
      """

  Scenario: a mistyped annotation is reported on the pod
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        annotations:
          kubecuke.io/exit-afer: 30s
      spec:
        containers:
          - name: nginx
            image: nginx:1.27
      """
    Then the event "InvalidBehaviour" was recorded for pod "web" saying "annotation kubecuke.io/exit-afer on pod default/web is not known; did you mean kubecuke.io/exit-after?"

  Scenario: the logs of the previous run survive a crash
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
            command: ["sh", "-c", "echo started; sleep 20; echo giving up; exit 1"]
      """
    When 25 seconds pass
    Then the previous logs of pod "app" contain "giving up"
    And the logs of pod "app" contain "started"
    And the logs of pod "app" do not contain "giving up"
