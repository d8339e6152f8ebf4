/**
 * Defaults of the apps/v1 workloads (pkg/apis/apps/v1/defaults.go, release
 * 1.33). apps/v1 ReplicaSets do not copy the template's labels to their
 * metadata: only ReplicationControllers (and the retired
 * extensions/v1beta1 kinds) do.
 */
import { defaultPodTemplateSpec } from './pod.ts';
import { defaultPersistentVolumeClaim } from './storage.ts';
import type { Rec } from './util.ts';
import { ensure, rec, recs, setIfAbsent, setIfEmpty } from './util.ts';

/** SetObjectDefaults_Deployment */
export function defaultDeployment(d: Rec): void {
  const spec = ensure(d, 'spec');
  setIfAbsent(spec, 'replicas', 1);
  const strategy = ensure(spec, 'strategy');
  setIfEmpty(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = ensure(strategy, 'rollingUpdate');
    setIfAbsent(ru, 'maxUnavailable', '25%');
    setIfAbsent(ru, 'maxSurge', '25%');
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  setIfAbsent(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplateSpec(ensure(spec, 'template'));
}

/** SetObjectDefaults_ReplicaSet */
export function defaultReplicaSet(rs: Rec): void {
  const spec = ensure(rs, 'spec');
  setIfAbsent(spec, 'replicas', 1);
  defaultPodTemplateSpec(ensure(spec, 'template'));
}

/** SetObjectDefaults_StatefulSet, its claim templates included. */
export function defaultStatefulSet(s: Rec): void {
  const spec = ensure(s, 'spec');
  setIfEmpty(spec, 'podManagementPolicy', 'OrderedReady');
  const us = ensure(spec, 'updateStrategy');
  if (us.type === undefined || us.type === null || us.type === '') {
    us.type = 'RollingUpdate';
    setIfAbsent(us, 'rollingUpdate', {});
  }
  const ru = rec(us.rollingUpdate);
  if (us.type === 'RollingUpdate' && ru) setIfAbsent(ru, 'partition', 0);
  const retention = ensure(spec, 'persistentVolumeClaimRetentionPolicy');
  setIfEmpty(retention, 'whenDeleted', 'Retain');
  setIfEmpty(retention, 'whenScaled', 'Retain');
  setIfAbsent(spec, 'replicas', 1);
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplateSpec(ensure(spec, 'template'));
  for (const claim of recs(spec.volumeClaimTemplates)) defaultPersistentVolumeClaim(claim);
}

/** SetObjectDefaults_DaemonSet */
export function defaultDaemonSet(ds: Rec): void {
  const spec = ensure(ds, 'spec');
  const us = ensure(spec, 'updateStrategy');
  setIfEmpty(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') {
    const ru = ensure(us, 'rollingUpdate');
    setIfAbsent(ru, 'maxUnavailable', 1);
    setIfAbsent(ru, 'maxSurge', 0);
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplateSpec(ensure(spec, 'template'));
}
