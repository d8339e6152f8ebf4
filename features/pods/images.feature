Feature: Images are pulled as a node pulls them
  The kubelet pulls a container's image unless the node has it and the
  policy allows that (IfNotPresent, the default for a tagged image), pulls
  every time with Always, and never with Never. Pulls run one at a time
  per node. A failed pull shows ErrImagePull, then ImagePullBackOff while
  the kubelet waits 10 s, 20 s, 40 s ... (at most 5 minutes) before it tries
  again. The node lists its images in status.images, which the scheduler's
  ImageLocality plugin reads.

  Pulls take no simulated time unless a scenario says how long they take
  (as with a registry mirror next to the nodes).

  Background:
    Given a cluster with 1 node

  Scenario: a missing image is retried with a growing back-off until it appears
    # Pulls at 0, 10, 30 and 70 s fail (ImagePullBackOff shows from 1 s, when
    # the kubelet looks again); the image is pushed at 80 s and the
    # next pull, at 150 s (after the 80 s back-off), succeeds.
    Given the image "nginx:9.9" does not exist
    And the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
          - name: nginx
            image: nginx:9.9
      """
    Then the status of pod "web" is "ErrImagePull"
    And pod "web" is pending
    And within 2 seconds the status of pod "web" is "ImagePullBackOff"
    And the event "Failed" was recorded for pod "web" saying "Failed to pull image \"nginx:9.9\": rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:9.9\""
    And the event "Failed" was recorded for pod "web" saying "Error: ErrImagePull"
    And the event "BackOff" was recorded for pod "web" saying "Back-off pulling image \"nginx:9.9\""
    And the event "Failed" was recorded for pod "web" saying "Error: ImagePullBackOff"
    When 79 seconds pass
    And the image "nginx:9.9" is pushed to the registry
    Then for 69 seconds pod "web" is pending
    And within 1 second pod "web" is running

  Scenario: a pull takes the time the scenario gives it, and the next pod finds the image
    Given pulling the image "nginx:1.27" takes 30 seconds
    And the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: first
      spec:
        containers:
          - name: nginx
            image: nginx:1.27
      """
    Then the status of pod "first" is "ContainerCreating"
    And for 29 seconds pod "first" is pending
    And within 1 second pod "first" is running
    And the event "Pulled" was recorded for pod "first" saying "Successfully pulled image \"nginx:1.27\" in 30s (30s including waiting). Image size: 72000000 bytes."
    And node "node-1" has the image "nginx:1.27"
    When I apply the following manifest:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: second
      spec:
        containers:
          - name: nginx
            image: nginx:1.27
      """
    Then pod "second" is running
    And the event "Pulled" was recorded for pod "second" saying "Container image \"nginx:1.27\" already present on machine"

  Scenario: a node pulls one image at a time
    Given pulling an image takes 20 seconds
    And the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
          - name: nginx
            image: nginx:1.27
          - name: cache
            image: redis:7.4
      """
    Then within 20 seconds the event "Pulled" was recorded for pod "web" saying "Successfully pulled image \"nginx:1.27\" in 20s (20s including waiting)"
    And for 19 seconds pod "web" is pending
    And within 1 second pod "web" is running
    And the event "Pulled" was recorded for pod "web" saying "Successfully pulled image \"redis:7.4\" in 20s (20s including waiting)"
    And node "node-1" has the image "redis:7.4"

  Scenario: imagePullPolicy Always pulls even an image the node has
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: first
      spec:
        containers:
          - name: nginx
            image: nginx:1.27
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: second
      spec:
        containers:
          - name: nginx
            image: nginx:1.27
            imagePullPolicy: Always
      """
    Then pod "second" is running
    And the event "Pulling" was recorded for pod "second" saying "Pulling image \"nginx:1.27\""

  Scenario: imagePullPolicy Never does not pull a missing image
    Given the following manifest is applied:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: local
      spec:
        containers:
          - name: app
            image: example.com/tools:1.0
            imagePullPolicy: Never
      """
    Then the status of pod "local" is "ErrImageNeverPull"
    And the event "ErrImageNeverPull" was recorded for pod "local" saying "Container image \"example.com/tools:1.0\" is not present with pull policy of Never"
    And for 5 minutes pod "local" is pending
