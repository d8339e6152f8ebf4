Feature: Jobs run pods to completion
  A Job runs pods until `completions` of them have succeeded, `parallelism`
  at a time. A failed pod is replaced after a back-off that starts at 10
  seconds and doubles (capped at 6 minutes); once more pods have failed
  than backoffLimit allows, the Job fails with BackoffLimitExceeded. A Job
  also fails when it runs longer than activeDeadlineSeconds. An Indexed Job
  gives each pod its completion index. A suspended Job runs no pods, and
  ttlSecondsAfterFinished deletes a finished Job.

  Background:
    Given a cluster with 3 nodes

  Scenario: completions and parallelism
    When I apply the following manifest:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: pi
      spec:
        completions: 4
        parallelism: 2
        template:
          spec:
            restartPolicy: Never
            containers:
              - name: pi
                image: perl:5.34
                command: ["sh", "-c", "sleep 10"]
      """
    Then 2 pods of job "pi" are running
    And within 30 seconds the job "pi" has succeeded
    And at all times at most 2 pods of job "pi" were running
    And the cluster contains:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: pi
      status:
        succeeded: 4
        conditions:
          - type: SuccessCriteriaMet
            status: "True"
            reason: CompletionsReached
          - type: Complete
            status: "True"
            reason: CompletionsReached
      """

  Scenario: failed pods are retried with back-off until backoffLimit
    When I apply the following manifest:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: flaky
      spec:
        backoffLimit: 2
        template:
          spec:
            restartPolicy: Never
            containers:
              - name: main
                image: busybox:1.36
                command: ["sh", "-c", "exit 1"]
      """
    Then for 9 seconds the cluster contains:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: flaky
      status:
        failed: 1
      """
    And within 1 minute the job "flaky" has failed
    And the cluster contains:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: flaky
      status:
        failed: 3
        conditions:
          - type: FailureTarget
            reason: BackoffLimitExceeded
          - type: Failed
            reason: BackoffLimitExceeded
            message: Job has reached the specified backoff limit
      """

  Scenario: a job that runs too long fails with DeadlineExceeded
    When I apply the following manifest:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: slow
      spec:
        activeDeadlineSeconds: 60
        template:
          spec:
            restartPolicy: Never
            containers:
              - name: main
                image: busybox:1.36
                command: ["sh", "-c", "sleep 3600"]
      """
    Then within 2 minutes the job "slow" has failed
    And 0 pods of job "slow" are running
    And the cluster contains:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: slow
      status:
        conditions:
          - type: FailureTarget
            reason: DeadlineExceeded
          - type: Failed
            reason: DeadlineExceeded
            message: Job was active longer than specified deadline
      """

  Scenario: an Indexed job gives each pod its index
    When I apply the following manifest:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: shards
      spec:
        completions: 3
        parallelism: 3
        completionMode: Indexed
        template:
          spec:
            restartPolicy: Never
            containers:
              - name: worker
                image: busybox:1.36
                command: ["sh", "-c", "echo shard $JOB_COMPLETION_INDEX; sleep 5"]
      """
    Then the cluster contains:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        labels:
          batch.kubernetes.io/job-completion-index: "2"
        annotations:
          batch.kubernetes.io/job-completion-index: "2"
      spec:
        hostname: shards-2
      """
    And within 1 minute the job "shards" has succeeded
    And the cluster contains:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: shards
      status:
        completedIndexes: 0-2
      """

  Scenario: a pod failure policy fails the job at once on a non-retriable exit code
    When I apply the following manifest:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: strict
      spec:
        backoffLimit: 6
        podFailurePolicy:
          rules:
            - action: FailJob
              onExitCodes:
                operator: In
                values: [42]
        template:
          spec:
            restartPolicy: Never
            containers:
              - name: main
                image: busybox:1.36
                command: ["sh", "-c", "exit 42"]
      """
    Then within 10 seconds the job "strict" has failed
    And the cluster contains:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: strict
      status:
        failed: 1
        conditions:
          - type: FailureTarget
            reason: PodFailurePolicy
          - type: Failed
            reason: PodFailurePolicy
      """

  Scenario: a suspended job runs no pods until it is resumed
    When I apply the following manifest:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: later
      spec:
        suspend: true
        template:
          spec:
            restartPolicy: Never
            containers:
              - name: main
                image: busybox:1.36
                command: ["sh", "-c", "sleep 30"]
      """
    Then for 1 minute 0 pods of job "later" are running
    When I resume the job "later"
    Then 1 pod of job "later" is running
    And within 1 minute the job "later" has succeeded

  Scenario: a finished job is deleted after ttlSecondsAfterFinished
    When I apply the following manifest:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: once
      spec:
        ttlSecondsAfterFinished: 60
        template:
          spec:
            restartPolicy: Never
            containers:
              - name: main
                image: busybox:1.36
                command: ["true"]
      """
    Then within 10 seconds the job "once" has succeeded
    And within 2 minutes the cluster does not contain:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: once
      """
