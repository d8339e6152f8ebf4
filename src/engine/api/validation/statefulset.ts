/**
 * StatefulSets (pkg/apis/apps/validation, release 1.33).
 *
 * As in 1.33, a StatefulSet's pod template is checked only for its labels
 * and annotations: its pod spec and volumeClaimTemplates are not validated
 * until the controller creates pods and claims (upstream added those checks
 * in 1.34).
 */
import type { FieldError } from '../errors.ts';
import { forbidden, invalid, notSupported, required } from '../errors.ts';
import { goIntOrString, goPtr, goStruct } from './go-repr.ts';
import { intOrPercentValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent.ts';
import { selectorRepr, validateAnnotations, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { nameIsDNSLabel } from './names.ts';
import { validatePodSpecificAnnotations } from './pod-spec.ts';
import { child, invalidRepr, nonNegative, num, obj, rec, semanticEqual, str } from './util.ts';
import type { Rec } from './util.ts';
import {
  collisionCountNotDecremented,
  nonNegativeCounters,
  notGreater,
  validateRequiredSelector,
  validateSelectorMatchesTemplate,
} from './workload-common.ts';

function updateStrategyRepr(s: Rec, type: string): string {
  return goStruct('apps.StatefulSetUpdateStrategy', [
    ['Type', JSON.stringify(type)],
    ['RollingUpdate', goPtr('apps.RollingUpdateStatefulSetStrategy', s.rollingUpdate)],
  ]);
}

/** ValidateStatefulSetSpec */
function validateStatefulSetSpec(spec: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const pmp = str(spec.podManagementPolicy);
  if (pmp === '') errs.push(required(child(field, 'podManagementPolicy'), ''));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(invalid(child(field, 'podManagementPolicy'), pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = obj(spec.updateStrategy);
  const type = str(us.type);
  const ru = rec(us.rollingUpdate);
  switch (type) {
    case '':
      errs.push(required(child(field, 'updateStrategy'), ''));
      break;
    case 'OnDelete':
      if (ru)
        errs.push(invalidRepr(child(field, 'updateStrategy', 'rollingUpdate'), ru, `&apps.RollingUpdateStatefulSetStrategy{Partition:${num(ru.partition)}, MaxUnavailable:${goPtr('intstr.IntOrString', ru.maxUnavailable)}}`, "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (ru) {
        const p = child(field, 'updateStrategy', 'rollingUpdate');
        errs.push(...nonNegative(num(ru.partition), child(p, 'partition')));
        if (ru.maxUnavailable !== undefined && ru.maxUnavailable !== null) {
          errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, child(p, 'maxUnavailable')));
          if (intOrPercentValue(ru.maxUnavailable) === 0)
            errs.push(invalidRepr(child(p, 'maxUnavailable'), ru.maxUnavailable, goIntOrString(ru.maxUnavailable), 'cannot be 0'));
          errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, child(p, 'maxUnavailable')));
        }
      }
      break;
    default:
      errs.push(invalidRepr(child(field, 'updateStrategy'), us, updateStrategyRepr(us, type), "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const retention = rec(spec.persistentVolumeClaimRetentionPolicy);
  if (retention)
    for (const k of ['whenDeleted', 'whenScaled']) {
      const v = str(retention[k]);
      if (v !== 'Retain' && v !== 'Delete') errs.push(notSupported(child(field, 'persistentVolumeClaimRetentionPolicy', k), v, ['Retain', 'Delete']));
    }
  errs.push(...nonNegative(num(spec.replicas), child(field, 'replicas')));
  errs.push(...nonNegative(num(spec.minReadySeconds), child(field, 'minReadySeconds')));
  const ordinals = rec(spec.ordinals);
  if (ordinals) errs.push(...nonNegative(num(ordinals.start), child(field, 'ordinals.start')));
  const sel = validateRequiredSelector(spec.selector, child(field, 'selector'), 'statefulset');
  errs.push(...sel.errs);
  const tmplPath = child(field, 'template');
  if (!sel.convertible) errs.push(invalidRepr(child(field, 'selector'), spec.selector, selectorRepr(spec.selector), ''));
  else {
    const meta = obj(obj(spec.template).metadata);
    errs.push(...validateSelectorMatchesTemplate(spec.selector, spec.template, tmplPath));
    errs.push(...validateLabels(meta.labels, child(tmplPath, 'labels')));
    errs.push(...validateAnnotations(meta.annotations, child(tmplPath, 'annotations')));
    errs.push(...validatePodSpecificAnnotations(meta.annotations, obj(obj(spec.template).spec), child(tmplPath, 'annotations')));
  }
  const tspec = obj(obj(spec.template).spec);
  if (str(tspec.restartPolicy) !== 'Always') errs.push(notSupported(child(tmplPath, 'spec', 'restartPolicy'), str(tspec.restartPolicy), ['Always']));
  if (tspec.activeDeadlineSeconds != null)
    errs.push(forbidden(child(tmplPath, 'spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in StatefulSet is not Supported'));
  return errs;
}

/** ValidateStatefulSet: names are DNS labels, since pods take hostnames from them. */
export function validateStatefulSetCreate(s: Rec): FieldError[] {
  const errs = validateObjectMeta(s.metadata, true, nameIsDNSLabel);
  errs.push(...validateStatefulSetSpec(obj(s.spec), 'spec'));
  return errs;
}

const STS_MUTABLE = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy'];

/** ValidateStatefulSetUpdate: only replicas, ordinals, template, strategies and minReadySeconds may change. */
export function validateStatefulSetUpdate(s: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(s.metadata, old.metadata);
  const spec = obj(s.spec);
  const oldSpec = obj(old.spec);
  errs.push(...validateStatefulSetSpec(spec, 'spec'));
  const rest = (x: Rec) => Object.fromEntries(Object.entries(x).filter(([k]) => !STS_MUTABLE.includes(k)));
  if (!semanticEqual(rest(spec), rest(oldSpec)) || (spec.selector == null) !== (oldSpec.selector == null))
    errs.push(
      forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  return errs;
}

/** ValidateStatefulSetStatusUpdate */
export function validateStatefulSetStatusUpdate(s: Rec, old: Rec): FieldError[] {
  const st = obj(s.status);
  const errs = nonNegativeCounters(st, 'status', ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'observedGeneration', 'collisionCount']);
  const msg = 'cannot be greater than status.replicas';
  for (const n of ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']) errs.push(...notGreater(st, 'status', n, 'replicas', msg));
  errs.push(...notGreater(st, 'status', 'availableReplicas', 'readyReplicas', 'cannot be greater than status.readyReplicas'));
  errs.push(...validateObjectMetaUpdate(s.metadata, old.metadata));
  errs.push(...collisionCountNotDecremented(st, obj(old.status)));
  return errs;
}

