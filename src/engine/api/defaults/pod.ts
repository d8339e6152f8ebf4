/**
 * Defaults of pods and pod templates, as SetObjectDefaults_Pod and the
 * pod-template parts of the workload defaulters apply them
 * (pkg/apis/core/v1/defaults.go and zz_generated.defaults.go, release 1.33).
 */
import { defaultPersistentVolumeClaimSpec } from './storage.ts';
import type { Rec } from './util.ts';
import { canonicalizeQuantity, defaultResourceList, ensure, rec, recs, setIfAbsent, setIfEmpty } from './util.ts';

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];

const NAME_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const REPO_RE = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?/)?${NAME_COMPONENT}(?:/${NAME_COMPONENT})*$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/**
 * The tag parsers.ParseImageName finds in an image reference: the explicit
 * tag, "latest" when there is neither tag nor digest, "" when there is only
 * a digest or the reference does not parse.
 */
export function imageTag(image: string): string {
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) return '';
  }
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) return '';
  }
  if (!REPO_RE.test(rest)) return '';
  return tag === '' && digest === '' ? 'latest' : tag;
}

function defaultHTTPGet(h: unknown): void {
  const r = rec(h);
  if (!r) return;
  setIfEmpty(r, 'path', '/');
  setIfEmpty(r, 'scheme', 'HTTP');
}

function defaultProbe(p: unknown): void {
  const r = rec(p);
  if (!r) return;
  for (const [k, v] of [['timeoutSeconds', 1], ['periodSeconds', 10], ['successThreshold', 1], ['failureThreshold', 3]] as const)
    if (r[k] === undefined || r[k] === null || r[k] === 0) r[k] = v;
  defaultHTTPGet(r.httpGet);
  const grpc = rec(r.grpc);
  if (grpc) setIfAbsent(grpc, 'service', '');
}

/** SetDefaults_Container and the generated defaults of its nested fields. */
export function defaultContainer(c: Rec): void {
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === null || c.imagePullPolicy === '')
    c.imagePullPolicy = imageTag(typeof c.image === 'string' ? c.image : '') === 'latest' ? 'Always' : 'IfNotPresent';
  setIfEmpty(c, 'terminationMessagePath', '/dev/termination-log');
  setIfEmpty(c, 'terminationMessagePolicy', 'File');
  for (const p of recs(c.ports)) setIfEmpty(p, 'protocol', 'TCP');
  for (const e of recs(c.env)) {
    const fieldRef = rec(rec(e.valueFrom)?.fieldRef);
    if (fieldRef) setIfEmpty(fieldRef, 'apiVersion', 'v1');
  }
  const resources = rec(c.resources);
  if (resources) {
    defaultResourceList(resources.limits);
    defaultResourceList(resources.requests);
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  const lifecycle = rec(c.lifecycle);
  if (lifecycle) {
    defaultHTTPGet(rec(lifecycle.postStart)?.httpGet);
    defaultHTTPGet(rec(lifecycle.preStop)?.httpGet);
  }
}

function defaultDownwardAPIItems(items: unknown): void {
  for (const item of recs(items)) {
    const fieldRef = rec(item.fieldRef);
    if (fieldRef) setIfEmpty(fieldRef, 'apiVersion', 'v1');
  }
}

/** SetDefaults_Volume and the defaults of each volume source. */
export function defaultVolume(v: Rec): void {
  // A volume without a source is an emptyDir.
  if (!VOLUME_SOURCES.some((s) => v[s] !== undefined && v[s] !== null)) v.emptyDir = {};
  const hostPath = rec(v.hostPath);
  if (hostPath) setIfAbsent(hostPath, 'type', '');
  for (const s of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = rec(v[s]);
    if (src) setIfAbsent(src, 'defaultMode', 420);
  }
  const dapi = rec(v.downwardAPI);
  if (dapi) defaultDownwardAPIItems(dapi.items);
  for (const source of recs(rec(v.projected)?.sources)) {
    const d = rec(source.downwardAPI);
    if (d) defaultDownwardAPIItems(d.items);
    const sat = rec(source.serviceAccountToken);
    if (sat) setIfAbsent(sat, 'expirationSeconds', 3600);
  }
  const iscsi = rec(v.iscsi);
  if (iscsi) setIfEmpty(iscsi, 'iscsiInterface', 'default');
  const rbd = rec(v.rbd);
  if (rbd) {
    setIfEmpty(rbd, 'pool', 'rbd');
    setIfEmpty(rbd, 'user', 'admin');
    setIfEmpty(rbd, 'keyring', '/etc/ceph/keyring');
  }
  const azureDisk = rec(v.azureDisk);
  if (azureDisk) {
    setIfAbsent(azureDisk, 'cachingMode', 'ReadWrite');
    setIfAbsent(azureDisk, 'fsType', 'ext4');
    setIfAbsent(azureDisk, 'readOnly', false);
    setIfAbsent(azureDisk, 'kind', 'Shared');
  }
  const scaleIO = rec(v.scaleIO);
  if (scaleIO) {
    setIfEmpty(scaleIO, 'storageMode', 'ThinProvisioned');
    setIfEmpty(scaleIO, 'fsType', 'xfs');
  }
  const emptyDir = rec(v.emptyDir);
  if (emptyDir) canonicalizeQuantity(emptyDir, 'sizeLimit');
  const claimSpec = rec(rec(rec(v.ephemeral)?.volumeClaimTemplate)?.spec);
  if (claimSpec) defaultPersistentVolumeClaimSpec(claimSpec);
}

/**
 * SetDefaults_PodSpec with everything nested in a pod spec: the defaults of
 * pod templates in workloads. Fields that only a Pod gets (requests from
 * limits, enableServiceLinks, host-network ports) are in `defaultPod`.
 */
export function defaultPodSpec(spec: Rec): void {
  setIfEmpty(spec, 'dnsPolicy', 'ClusterFirst');
  setIfEmpty(spec, 'restartPolicy', 'Always');
  setIfAbsent(spec, 'securityContext', {});
  setIfAbsent(spec, 'terminationGracePeriodSeconds', 30);
  setIfEmpty(spec, 'schedulerName', 'default-scheduler');
  for (const v of recs(spec.volumes)) defaultVolume(v);
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) for (const c of recs(spec[list])) defaultContainer(c);
  defaultResourceList(spec.overhead);
}

/** The defaults of a PodTemplateSpec (its spec). */
export function defaultPodTemplateSpec(template: unknown): void {
  const t = rec(template);
  if (t) defaultPodSpec(ensure(t, 'spec'));
}

function requestsFromLimits(containers: unknown): void {
  for (const c of recs(containers)) {
    const resources = rec(c.resources);
    const limits = rec(resources?.limits);
    if (!resources || !limits) continue;
    const requests = ensure(resources, 'requests');
    for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
    if (Object.keys(requests).length === 0) delete resources.requests;
  }
}

/**
 * SetObjectDefaults_Pod: requests copied from limits, service links on,
 * host ports equal to container ports on the host network, then the pod
 * spec defaults.
 */
export function defaultPod(pod: Rec): void {
  const spec = ensure(pod, 'spec');
  requestsFromLimits(spec.containers);
  requestsFromLimits(spec.initContainers);
  setIfAbsent(spec, 'enableServiceLinks', true);
  if (spec.hostNetwork === true)
    for (const list of ['containers', 'initContainers'])
      for (const c of recs(spec[list]))
        for (const p of recs(c.ports)) if (p.hostPort === undefined || p.hostPort === null || p.hostPort === 0) p.hostPort = p.containerPort;
  defaultPodSpec(spec);
}
