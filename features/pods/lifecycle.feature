Feature: A pod's life as the kubelet reports it
  Phases Pending, Running, Succeeded and Failed; the conditions
  PodScheduled, PodReadyToStartContainers, Initialized, ContainersReady and
  Ready; container states with their reasons and exit codes; init containers
  one after another; sidecars (restartable init containers) that start first
  and keep running; restartPolicy Always, OnFailure and Never.

  Background:
    Given a cluster with 1 node

  Scenario: a running pod's status
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
      """
    Then pod "web" is running
    And pod "web" is ready
    And the cluster contains:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      status:
        phase: Running
        qosClass: BestEffort
        hostIP: 172.18.0.2
        podIP: 10.244.0.2
        startTime: 2025-01-01T00:00:00Z
        conditions:
          - type: PodReadyToStartContainers
            status: "True"
          - type: Initialized
            status: "True"
          - type: Ready
            status: "True"
          - type: ContainersReady
            status: "True"
          - type: PodScheduled
            status: "True"
        containerStatuses:
          - name: nginx
            image: nginx:1.27
            ready: true
            started: true
            restartCount: 0
            state:
              running:
                startedAt: 2025-01-01T00:00:00Z
      """

  Scenario: init containers run one after another before the app
    # fetch runs 10 s, migrate 5 s: the app starts at 15 s.
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
      spec:
        initContainers:
          - name: fetch
            image: busybox:1.36
            command: ["sh", "-c", "echo fetching; sleep 10"]
          - name: migrate
            image: busybox:1.36
            command: ["sh", "-c", "sleep 5"]
        containers:
          - name: app
            image: nginx:1.27
      """
    Then the status of pod "app" is "Init:0/2"
    And pod "app" is pending
    And the cluster contains:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
      status:
        conditions:
          - type: PodReadyToStartContainers
            status: "True"
          - type: Initialized
            status: "False"
            reason: ContainersNotInitialized
            message: "containers with incomplete status: [fetch migrate]"
      """
    And for 9 seconds the status of pod "app" is "Init:0/2"
    And within 1 second the status of pod "app" is "Init:1/2"
    And for 4 seconds pod "app" is pending
    And within 1 second pod "app" is running
    And the logs of container "fetch" of pod "app" contain "fetching"

  Scenario: a failing init container fails a pod that never restarts
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
      spec:
        restartPolicy: Never
        initContainers:
          - name: check
            image: busybox:1.36
            command: ["sh", "-c", "exit 2"]
        containers:
          - name: app
            image: nginx:1.27
      """
    Then pod "app" is failed
    And the status of pod "app" is "Init:Error"

  Scenario: a failing init container is retried, and the pod stays pending
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
      spec:
        initContainers:
          - name: check
            image: busybox:1.36
            command: ["sh", "-c", "exit 2"]
        containers:
          - name: app
            image: nginx:1.27
      """
    Then the status of pod "app" is "Init:CrashLoopBackOff"
    And for 5 minutes pod "app" is pending
    # Started at 0, 0, 10, 30, 70 and 150 s; the next start would be at 310 s.
    And container "check" of pod "app" has restarted 5 times

  Scenario: a sidecar starts before the app and keeps running beside it
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
      spec:
        initContainers:
          - name: proxy
            image: nginx:1.27
            restartPolicy: Always
        containers:
          - name: app
            image: busybox:1.36
            command: ["sh", "-c", "while true; do echo working; sleep 5; done"]
      """
    Then pod "app" is running
    And pod "app" is ready
    And the status of pod "app" is "Running"
    And within 10 seconds the logs of container "app" of pod "app" contain "working"

  Scenario Outline: restart policies after a clean exit and a failure
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: job
      spec:
        restartPolicy: <policy>
        containers:
          - name: app
            image: busybox:1.36
            command: ["sh", "-c", "sleep 5; exit <code>"]
      """
    When 5 seconds pass
    Then the status of pod "job" is "<status>"
    And the containers of pod "job" have restarted <restarts> times
    And pod "job" is <phase>

    Examples:
      | policy    | code | status    | restarts | phase     |
      | Always    | 0    | Running   | 1        | running   |
      | Always    | 3    | Running   | 1        | running   |
      | OnFailure | 0    | Completed | 0        | succeeded |
      | OnFailure | 3    | Running   | 1        | running   |
      | Never     | 0    | Completed | 0        | succeeded |
      | Never     | 3    | Error     | 0        | failed    |

  Scenario: a container that ran for over 10 minutes is restarted at once
    # The back-off is forgotten after twice its cap (2 x 5 minutes) without a
    # restart: each crash after 11 minutes counts as the first.
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: worker
      spec:
        containers:
          - name: app
            image: busybox:1.36
            command: ["sh", "-c", "sleep 660; exit 1"]
      """
    When 22 minutes pass
    Then the containers of pod "worker" have restarted 2 times
    And the status of pod "worker" is "Running"
    And the event "BackOff" was not recorded for pod "worker"
