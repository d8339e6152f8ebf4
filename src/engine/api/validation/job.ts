/**
 * Jobs (pkg/apis/batch/validation and the batch/v1 Job strategy, release
 * 1.33). The strategy generates the selector and the controller-uid and
 * job-name labels before validation; a Job that reaches validation without
 * them fails as upstream would.
 */
import type { FieldError } from '../errors.ts';
import { duplicate, invalid, notSupported, required, tooLong, tooMany } from '../errors.ts';
import { goGeneric, goStringMap } from './go-repr.ts';
import { labelSelectorConvertFails, selectorRepr, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { domainPrefixedPathErrors, isDNS1123Label, isQualifiedName, nameIsDNSSubdomain } from './names.ts';
import { validatePodTemplateSpec } from './pod-spec.ts';
import { FIELD_IMMUTABLE, arr, child, index, invalidNoValue, invalidRepr, key, nonNegative, num, obj, optNum, rec, semanticEqual, str, strMap } from './util.ts';
import type { Rec } from './util.ts';
import { selectorMatches, validateSelectorMatchesTemplate } from './workload-common.ts';

const MAX_PARALLELISM_INDEXED = 100000;
const MAX_FAILED_INDEXES = 100_000;
const COMPLETIONS_SOFT_LIMIT = 100_000;
const POLICY_ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];

function validatePodFailurePolicy(spec: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const rules = arr(obj(spec.podFailurePolicy).rules).map(obj);
  const rulesPath = child(field, 'rules');
  if (rules.length > 20) errs.push(tooMany(rulesPath, rules.length, 20));
  const tspec = obj(obj(spec.template).spec);
  const names = new Set([...arr(tspec.containers), ...arr(tspec.initContainers)].map((c) => str(obj(c).name)));
  rules.forEach((rule, i) => {
    const p = index(rulesPath, i);
    const action = str(rule.action);
    if (action === '') errs.push(required(child(p, 'action'), `valid values: ${JSON.stringify(POLICY_ACTIONS).replace(/","/g, '" "')}`));
    else if (action === 'FailIndex') {
      if (spec.backoffLimitPerIndex == null) errs.push(invalid(child(p, 'action'), action, 'requires the backoffLimitPerIndex to be set'));
    } else if (!POLICY_ACTIONS.includes(action)) errs.push(notSupported(child(p, 'action'), action, POLICY_ACTIONS));
    const onExit = rec(rule.onExitCodes);
    const onConds = arr(rule.onPodConditions).map(obj);
    if (onExit) {
      const ep = child(p, 'onExitCodes');
      const op = str(onExit.operator);
      if (op === '') errs.push(required(child(ep, 'operator'), 'valid values: ["In" "NotIn"]'));
      else if (op !== 'In' && op !== 'NotIn') errs.push(notSupported(child(ep, 'operator'), op, ['In', 'NotIn']));
      if (onExit.containerName != null && !names.has(str(onExit.containerName)))
        errs.push(invalid(child(ep, 'containerName'), str(onExit.containerName), 'must be one of the container or initContainer names in the pod template'));
      const values = arr(onExit.values).map(num);
      const vp = child(ep, 'values');
      if (values.length === 0) errs.push(invalidRepr(vp, values, '[]int32(nil)', 'at least one value is required'));
      else if (values.length > 255) errs.push(tooMany(vp, values.length, 255));
      const seen = new Set<number>();
      let ordered = true;
      values.forEach((v, j) => {
        if (op === 'In' && v === 0) errs.push(invalid(index(vp, j), v, 'must not be 0 for the In operator'));
        if (seen.has(v)) errs.push(duplicate(index(vp, j), v));
        else seen.add(v);
        if (j > 0 && values[j - 1] > v) ordered = false;
      });
      if (!ordered) errs.push(invalidRepr(vp, values, `[]int32{${values.join(', ')}}`, 'must be ordered'));
    }
    if (onConds.length > 0) {
      const cp = child(p, 'onPodConditions');
      if (onConds.length > 20) errs.push(tooMany(cp, onConds.length, 20));
      onConds.forEach((c, j) => {
        const type = str(c.type);
        for (const m of isQualifiedName(type)) errs.push(invalid(child(index(cp, j), 'type'), type, m));
        const status = str(c.status);
        if (status === '') errs.push(required(child(index(cp, j), 'status'), 'valid values: ["False" "True" "Unknown"]'));
        else if (!['False', 'True', 'Unknown'].includes(status)) errs.push(notSupported(child(index(cp, j), 'status'), status, ['False', 'True', 'Unknown']));
      });
    }
    if (onExit && onConds.length > 0) errs.push(invalidNoValue(p, 'specifying both OnExitCodes and OnPodConditions is not supported'));
    if (!onExit && onConds.length === 0) errs.push(invalidNoValue(p, 'specifying one of OnExitCodes and OnPodConditions is required'));
  });
  return errs;
}

/** validateJobSpec: the rules Jobs and CronJob job templates share. */
export function validateJobSpecCommon(spec: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const n of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex']) {
    const v = optNum(spec[n]);
    if (v !== undefined) errs.push(...nonNegative(v, child(field, n)));
  }
  const maxFailed = optNum(spec.maxFailedIndexes);
  if (maxFailed !== undefined) {
    errs.push(...nonNegative(maxFailed, child(field, 'maxFailedIndexes')));
    if (spec.backoffLimitPerIndex == null) errs.push(required(child(field, 'backoffLimitPerIndex'), 'when maxFailedIndexes is specified'));
  }
  if (spec.managedBy != null) {
    const mb = str(spec.managedBy);
    for (const e of domainPrefixedPathErrors(mb)) errs.push(invalid(child(field, 'managedBy'), e.value, e.msg));
    if (mb.length > 63) errs.push(tooLong(child(field, 'managedBy'), 63));
  }
  const completions = optNum(spec.completions);
  const parallelism = optNum(spec.parallelism);
  const mode = spec.completionMode == null ? undefined : str(spec.completionMode);
  if (mode !== undefined) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported(child(field, 'completionMode'), mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (completions === undefined) errs.push(required(child(field, 'completions'), 'when completion mode is Indexed'));
      if (parallelism !== undefined && parallelism > MAX_PARALLELISM_INDEXED)
        errs.push(invalid(child(field, 'parallelism'), parallelism, `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`));
      if (completions !== undefined && maxFailed !== undefined && maxFailed > completions)
        errs.push(invalid(child(field, 'maxFailedIndexes'), maxFailed, 'must be less than or equal to completions'));
      if (maxFailed !== undefined && maxFailed > MAX_FAILED_INDEXES)
        errs.push(invalid(child(field, 'maxFailedIndexes'), maxFailed, `must be less than or equal to ${MAX_FAILED_INDEXES}`));
      if (completions !== undefined && completions > COMPLETIONS_SOFT_LIMIT && spec.backoffLimitPerIndex != null && maxFailed === undefined)
        errs.push(required(child(field, 'maxFailedIndexes'), `must be specified when completions is above ${COMPLETIONS_SOFT_LIMIT}`));
    }
  }
  if (mode === undefined || mode === 'NonIndexed') {
    const blpi = optNum(spec.backoffLimitPerIndex);
    if (blpi !== undefined) errs.push(invalid(child(field, 'backoffLimitPerIndex'), blpi, 'requires indexed completion mode'));
    if (maxFailed !== undefined) errs.push(invalid(child(field, 'maxFailedIndexes'), maxFailed, 'requires indexed completion mode'));
  }
  if (rec(spec.podFailurePolicy)) errs.push(...validatePodFailurePolicy(spec, child(field, 'podFailurePolicy')));
  if (rec(spec.successPolicy) && mode !== 'Indexed')
    errs.push(invalidRepr(child(field, 'successPolicy'), spec.successPolicy, 'batch.SuccessPolicy{...}', 'requires indexed completion mode'));
  if (spec.podReplacementPolicy != null) {
    const prp = str(spec.podReplacementPolicy);
    if (rec(spec.podFailurePolicy)) {
      if (prp !== 'Failed') errs.push(notSupported(child(field, 'podReplacementPolicy'), prp, ['Failed']));
    } else if (prp !== 'Failed' && prp !== 'TerminatingOrFailed')
      errs.push(notSupported(child(field, 'podReplacementPolicy'), prp, ['Failed', 'TerminatingOrFailed']));
  }
  const tmplPath = child(field, 'template');
  errs.push(...validatePodTemplateSpec(spec.template, tmplPath));
  const rp = str(obj(obj(spec.template).spec).restartPolicy);
  const rpPath = child(tmplPath, 'spec', 'restartPolicy');
  if (rp === 'Always' || rp === '') errs.push(required(rpPath, 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported(rpPath, rp, ['OnFailure', 'Never']));
  else if (rec(spec.podFailurePolicy) && rp !== 'Never') errs.push(invalid(rpPath, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}

/** ValidateJobSpec: the common rules, a required selector, and the template labels it must match. */
function validateJobSpec(spec: Rec, field: string): FieldError[] {
  const errs = validateJobSpecCommon(spec, field);
  if (spec.selector == null) errs.push(required(child(field, 'selector'), ''));
  else errs.push(...validateLabelSelector(spec.selector, child(field, 'selector')));
  // A nil selector matches nothing, so a Job without one also fails this check.
  if (!labelSelectorConvertFails(spec.selector)) errs.push(...validateSelectorMatchesTemplate(spec.selector, spec.template, child(field, 'template')));
  return errs;
}

function hasLabel(labels: Record<string, string>, name: string, expected: string, errs: FieldError[]): void {
  const p = key('spec.template.metadata.labels', name);
  if (!(name in labels)) errs.push(required(p, `must be '${expected}'`));
  else if (labels[name] !== expected) errs.push(invalidRepr(p, labels, goStringMap(labels), `must be '${expected}'`));
}

/** validateGeneratedSelector: the labels the strategy generated must be on the template. */
function validateGeneratedSelector(job: Rec): FieldError[] {
  const spec = obj(job.spec);
  if (spec.manualSelector === true || spec.selector == null) return [];
  const meta = obj(job.metadata);
  const uid = str(meta.uid);
  const name = str(meta.name);
  const errs: FieldError[] = [];
  if (uid === '') errs.push(required('metadata.uid', ''));
  const labels = strMap(obj(obj(spec.template).metadata).labels) ?? {};
  hasLabel(labels, 'controller-uid', uid, errs);
  hasLabel(labels, 'job-name', name, errs);
  hasLabel(labels, 'batch.kubernetes.io/controller-uid', uid, errs);
  hasLabel(labels, 'batch.kubernetes.io/job-name', name, errs);
  const expected = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
  if (!selectorMatches(spec.selector, expected)) errs.push(invalidRepr('spec.selector', spec.selector, selectorRepr(spec.selector), '`selector` not auto-generated'));
  return errs;
}

/** ValidateJob */
export function validateJobCreate(job: Rec): FieldError[] {
  const errs = validateObjectMeta(job.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateGeneratedSelector(job));
  const spec = obj(job.spec);
  errs.push(...validateJobSpec(spec, 'spec'));
  const completions = optNum(spec.completions);
  if (str(spec.completionMode) === 'Indexed' && completions !== undefined && completions > 0) {
    // The controller appends `-<index>` to pod hostnames, which must stay DNS labels.
    const name = str(obj(job.metadata).name);
    const hostname = `${name}-${completions - 1}`;
    if (isDNS1123Label(hostname).length > 0)
      errs.push(invalid('metadata.name', name, `will not able to create pod with invalid DNS label: ${hostname}`));
  }
  return errs;
}

function immutable(n: unknown, o: unknown, field: string, repr: (v: unknown) => string): FieldError[] {
  if (semanticEqual(n, o) && (n == null) === (o == null)) return [];
  if (n === undefined || n === null) return [invalidRepr(field, n, 'null', FIELD_IMMUTABLE)];
  return [invalidRepr(field, n, repr(n), FIELD_IMMUTABLE)];
}

/**
 * ValidateJobUpdate: completions (but for indexed jobs scaled with
 * parallelism), selector, template (but the scheduling directives of a
 * suspended job that never started), completion mode and policies are
 * immutable.
 */
export function validateJobUpdate(job: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(job.metadata, old.metadata);
  const spec = obj(job.spec);
  const oldSpec = obj(old.spec);
  errs.push(...validateJobSpec(spec, 'spec'));
  const c = optNum(spec.completions);
  const oc = optNum(oldSpec.completions);
  if (str(spec.completionMode) !== 'Indexed') errs.push(...immutable(c, oc, 'spec.completions', (v) => String(v)));
  else if (c !== oc && c !== undefined && c !== optNum(spec.parallelism))
    errs.push(invalid('spec.completions', c, 'can only be modified in tandem with spec.parallelism'));
  errs.push(...immutable(spec.selector, oldSpec.selector, 'spec.selector', (v) => `&${selectorRepr(v)}`));
  let oldTemplate = obj(oldSpec.template);
  const template = obj(spec.template);
  if (oldSpec.suspend === true && obj(old.status).startTime == null) {
    // A suspended job that never started may change where its pods run.
    const ot = structuredClone(oldTemplate);
    const os = obj(ot.spec);
    const ns = obj(template.spec);
    if (rec(ns.affinity) || rec(os.affinity)) {
      const aff = { ...obj(os.affinity), nodeAffinity: obj(ns.affinity).nodeAffinity };
      os.affinity = rec(ns.affinity) || Object.keys(aff).some((k) => aff[k as keyof typeof aff] != null) ? aff : undefined;
    }
    os.nodeSelector = ns.nodeSelector;
    os.tolerations = ns.tolerations;
    os.schedulingGates = ns.schedulingGates;
    ot.spec = os;
    ot.metadata = { ...obj(ot.metadata), labels: obj(template.metadata).labels, annotations: obj(template.metadata).annotations };
    oldTemplate = ot;
  }
  if (!semanticEqual(template, oldTemplate))
    errs.push(invalidRepr('spec.template', template, goGeneric('core.PodTemplateSpec', template), FIELD_IMMUTABLE));
  errs.push(...immutable(spec.completionMode, oldSpec.completionMode, 'spec.completionMode', (v) => JSON.stringify(str(v))));
  errs.push(...immutable(spec.podFailurePolicy, oldSpec.podFailurePolicy, 'spec.podFailurePolicy', (v) => goGeneric('batch.PodFailurePolicy', v)));
  errs.push(...immutable(spec.backoffLimitPerIndex, oldSpec.backoffLimitPerIndex, 'spec.backoffLimitPerIndex', (v) => String(v)));
  errs.push(...immutable(spec.managedBy, oldSpec.managedBy, 'spec.managedBy', (v) => JSON.stringify(str(v))));
  errs.push(...immutable(spec.successPolicy, oldSpec.successPolicy, 'spec.successPolicy', (v) => goGeneric('batch.SuccessPolicy', v)));
  return errs;
}

/** ValidateJobUpdateStatus: the counters of a job's status. */
export function validateJobStatusUpdate(job: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(job.metadata, old.metadata);
  const s = obj(job.status);
  for (const n of ['active', 'succeeded', 'failed']) errs.push(...nonNegative(num(s[n]), child('status', n)));
  for (const n of ['ready', 'terminating']) {
    const v = optNum(s[n]);
    if (v !== undefined) errs.push(...nonNegative(v, child('status', n)));
  }
  const uncounted = rec(s.uncountedTerminatedPods);
  if (uncounted) {
    const seen = new Set<string>();
    for (const list of ['succeeded', 'failed'])
      arr(uncounted[list]).forEach((u, i) => {
        const p = index(child('status.uncountedTerminatedPods', list), i);
        const uid = str(u);
        if (uid === '') errs.push(invalid(p, uid, 'must not be empty'));
        else if (seen.has(uid)) errs.push(duplicate(p, uid));
        else seen.add(uid);
      });
  }
  const ready = optNum(s.ready);
  if (ready !== undefined && ready > num(s.active)) errs.push(invalid('status.ready', ready, 'cannot set more ready pods than active'));
  return errs;
}

