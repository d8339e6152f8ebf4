Feature: CronJobs start Jobs on a schedule
  A CronJob creates a Job at every time its cron schedule names, in its
  timeZone (UTC by default). concurrencyPolicy says what happens when the
  previous Job still runs: Allow starts another, Forbid skips the start,
  Replace deletes the running Job first. A suspended CronJob starts
  nothing. It keeps the last successfulJobsHistoryLimit (3) finished Jobs
  and failedJobsHistoryLimit (1) failed ones. A Job can also be started by
  hand from its template.

  Starts the controller could not make (suspended, forbidden) count as
  missed: the most recent missed start runs as soon as it can, unless it is
  later than startingDeadlineSeconds. Jobs are created 100 ms after their
  scheduled minute.

  Background:
    Given a cluster with 2 nodes

  Scenario: a job every hour
    Given the following manifest is applied:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: backup
      spec:
        schedule: "@hourly"
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: OnFailure
                containers:
                  - name: backup
                    image: busybox:1.36
                    command: ["sh", "-c", "echo backing up; sleep 20"]
      """
    When 3 hours and 1 minute pass
    Then the cronjob "backup" has started 3 jobs
    And the cluster contains:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: backup
      status:
        lastScheduleTime: "2025-01-01T03:00:00Z"
      """

  Scenario: a new schedule counts from the last start
    Given the following manifest is applied:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: backup
      spec:
        schedule: "@hourly"
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: OnFailure
                containers:
                  - name: backup
                    image: busybox:1.36
                    command: ["sh", "-c", "sleep 20"]
      """
    When 1 hour and 5 minutes pass
    And I set the schedule of the cronjob "backup" to "*/10 * * * *"
    And 26 minutes pass
    # 01:00 on the old schedule, then 01:10, 01:20 and 01:30 on the new one.
    Then the cronjob "backup" has started 4 jobs
    And the cluster contains:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: backup
      spec:
        schedule: "*/10 * * * *"
      status:
        lastScheduleTime: "2025-01-01T01:30:00Z"
      """

  Scenario: only the newest finished jobs are kept
    Given the following manifest is applied:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: report
      spec:
        schedule: "*/10 * * * *"
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers:
                  - name: report
                    image: busybox:1.36
                    command: ["true"]
      """
    When 1 hour and 1 minute pass
    Then the cronjob "report" has started 6 jobs
    And the cronjob "report" keeps 3 jobs

  Scenario: Forbid skips a start while the previous job runs, and runs it late
    # Jobs take 7 minutes: the 00:10 start is skipped, then runs when the 00:05 job ends at 00:12.
    Given the following manifest is applied:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: sync
      spec:
        schedule: "*/5 * * * *"
        concurrencyPolicy: Forbid
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers:
                  - name: sync
                    image: busybox:1.36
                    command: ["sh", "-c", "sleep 420"]
      """
    When 21 minutes pass
    Then the cronjob "sync" has started 3 jobs
    And the event "JobAlreadyActive" was recorded for the cronjob "sync"
    And at all times at most 1 pod of cronjob "sync" was running

  Scenario: with a starting deadline, a start that would be too late is dropped
    Given the following manifest is applied:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: sync
      spec:
        schedule: "*/5 * * * *"
        concurrencyPolicy: Forbid
        startingDeadlineSeconds: 60
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers:
                  - name: sync
                    image: busybox:1.36
                    command: ["sh", "-c", "sleep 420"]
      """
    When 21 minutes pass
    # At 00:12 the skipped 00:10 start is more than 60 seconds late: the next start is 00:15.
    Then the cronjob "sync" has started 2 jobs
    And at all times at most 1 pod of cronjob "sync" was running

  Scenario: Replace stops the running job and starts a new one
    Given the following manifest is applied:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: refresh
      spec:
        schedule: "*/5 * * * *"
        concurrencyPolicy: Replace
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers:
                  - name: refresh
                    image: busybox:1.36
                    command: ["sh", "-c", "sleep 3600"]
      """
    When 16 minutes pass
    Then the cronjob "refresh" has started 3 jobs
    And 1 pod of cronjob "refresh" is running

  Scenario: a suspended cronjob starts nothing, and the missed start runs on resume
    Given the following manifest is applied:
      """
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: backup
      spec:
        schedule: "0 2 * * *"
        timeZone: Europe/Berlin
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: Never
                containers:
                  - name: backup
                    image: busybox:1.36
                    command: ["sh", "-c", "sleep 10"]
      """
    When I suspend the cronjob "backup"
    And 1 day passes
    Then the cronjob "backup" has started 0 jobs
    When I trigger the cronjob "backup"
    Then 1 pod of cronjob "backup" is running
    And the cronjob "backup" has started 0 jobs
    When I resume the cronjob "backup"
    Then the cronjob "backup" has started 1 job
    When 1 day passes
    Then the cronjob "backup" has started 2 jobs
    And the cluster contains:
      """
      apiVersion: batch/v1
      kind: Job
      metadata:
        annotations:
          batch.kubernetes.io/cronjob-scheduled-timestamp: "2025-01-02T02:00:00+01:00"
      """
