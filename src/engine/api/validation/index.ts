/**
 * Semantic validation of the built-in kinds, as the Kubernetes API server
 * runs it (release 1.33): each kind's registry strategy (Validate,
 * ValidateUpdate and the status strategy's ValidateUpdate) plus the checks
 * the generic registry adds around them (rest.BeforeCreate and
 * rest.BeforeUpdate).
 *
 * Errors come in upstream order and words; build a refusal from them with
 * `invalidObject` of ../errors.ts, which also drops repeated messages as
 * upstream's aggregate does.
 *
 * WARNING: the functions validate what they are given. Upstream's
 * strategies prepare objects first (PrepareForCreate/PrepareForUpdate:
 * status reset, generation, generated Job selectors, namespace finalizers,
 * allocated Service IPs and ports); the API server must do that before
 * calling these, or valid requests will be refused.
 */
import type { FieldError } from '../errors.ts';
import { required } from '../errors.ts';
import type { ResourceType } from '../kinds.ts';
import type { KubeObject } from '../types.ts';
import { validateConfigMapCreate, validateConfigMapUpdate, validateSecretCreate, validateSecretUpdate } from './configmap.ts';
import {
  validateCoreEvent,
  validateEndpointsCreate,
  validateEndpointsUpdate,
  validateLimitRangeCreate,
  validateResourceQuotaCreate,
  validateServiceAccountCreate,
  validateServiceAccountUpdate,
} from './core-misc.ts';
import { validateCronJobCreate, validateCronJobStatusUpdate, validateCronJobUpdate } from './cronjob.ts';
import { validateDaemonSetCreate, validateDaemonSetStatusUpdate, validateDaemonSetUpdate } from './daemonset.ts';
import {
  validateDeploymentCreate,
  validateDeploymentStatusUpdate,
  validateDeploymentUpdate,
  validateReplicaSetCreate,
  validateReplicaSetStatusUpdate,
  validateReplicaSetUpdate,
} from './deployment.ts';
import { validateHPACreate, validateHPAStatusUpdate, validateHPAUpdate } from './hpa.ts';
import { validateIngressClassCreate, validateIngressClassUpdate, validateIngressCreate, validateIngressStatusUpdate, validateIngressUpdate } from './ingress.ts';
import { validateJobCreate, validateJobStatusUpdate, validateJobUpdate } from './job.ts';
import { validateLeaseCreate, validateLeaseUpdate } from './lease.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { validateNamespaceCreate, validateNamespaceStatusUpdate, validateNamespaceUpdate } from './namespace.ts';
import { nameIsDNSSubdomain, validatePathSegmentName } from './names.ts';
import { validateNetworkPolicyCreate, validateNetworkPolicyUpdate } from './networkpolicy.ts';
import { validateNodeCreate, validateNodeUpdate } from './node.ts';
import { validateBinding, validatePodCreate, validatePodStatusUpdate, validatePodTemplateCreate, validatePodTemplateUpdate, validatePodUpdate } from './pod.ts';
import { validatePDB, validatePDBStatusUpdate } from './poddisruptionbudget.ts';
import { validatePriorityClassCreate, validatePriorityClassUpdate } from './priorityclass.ts';
import { validatePVCCreate, validatePVCStatusUpdate, validatePVCUpdate, validatePVCreate, validatePVStatusUpdate, validatePVUpdate } from './pvc.ts';
import { validateBindingCreate, validateBindingUpdate, validateRoleCreate, validateRoleUpdate } from './rbac.ts';
import { validateRCCreate, validateRCUpdate } from './replicationcontroller.ts';
import { validateServiceCreate, validateServiceStatusUpdate, validateServiceUpdate } from './service.ts';
import { validateStatefulSetCreate, validateStatefulSetStatusUpdate, validateStatefulSetUpdate } from './statefulset.ts';
import { validateStorageClassCreate, validateStorageClassUpdate } from './storageclass.ts';
import { FIELD_IMMUTABLE, invalidRepr, nonNegative, num, obj, semanticEqual } from './util.ts';
import type { Rec } from './util.ts';

type Create = (o: Rec) => FieldError[];
type Update = (o: Rec, old: Rec) => FieldError[];

/** A kind's strategy validators. Absent entries check metadata only. */
interface Strategy {
  create?: Create;
  update?: Update;
  status?: Update;
}

const metaUpdate: Update = (o, old) => validateObjectMetaUpdate(o.metadata, old.metadata);

function controllerRevisionCreate(cr: Rec): FieldError[] {
  const errs = validateObjectMeta(cr.metadata, true, nameIsDNSSubdomain);
  if (cr.data === undefined || cr.data === null) errs.push(required('data', 'data is mandatory'));
  errs.push(...nonNegative(num(cr.revision), 'revision'));
  return errs;
}

const STRATEGIES: Record<string, Strategy> = {
  '/Pod': { create: validatePodCreate, update: validatePodUpdate, status: validatePodStatusUpdate },
  '/Binding': { create: validateBinding },
  '/PodTemplate': { create: validatePodTemplateCreate, update: validatePodTemplateUpdate },
  '/ReplicationController': { create: validateRCCreate, update: validateRCUpdate, status: validateReplicaSetStatusUpdate },
  '/Service': { create: validateServiceCreate, update: validateServiceUpdate, status: validateServiceStatusUpdate },
  '/Node': { create: validateNodeCreate, update: validateNodeUpdate, status: validateNodeUpdate },
  '/Namespace': { create: validateNamespaceCreate, update: validateNamespaceUpdate, status: validateNamespaceStatusUpdate },
  '/ConfigMap': { create: validateConfigMapCreate, update: validateConfigMapUpdate },
  '/Secret': { create: validateSecretCreate, update: validateSecretUpdate },
  '/ServiceAccount': { create: validateServiceAccountCreate, update: validateServiceAccountUpdate },
  '/Endpoints': { create: validateEndpointsCreate, update: validateEndpointsUpdate },
  '/Event': { create: validateCoreEvent, update: (o) => validateCoreEvent(o) },
  '/LimitRange': { create: validateLimitRangeCreate, update: (o, old) => [...metaUpdate(o, old), ...validateLimitRangeCreate(o)] },
  '/ResourceQuota': { create: validateResourceQuotaCreate, update: (o, old) => [...metaUpdate(o, old), ...validateResourceQuotaCreate(o)] },
  '/PersistentVolumeClaim': { create: validatePVCCreate, update: validatePVCUpdate, status: validatePVCStatusUpdate },
  '/PersistentVolume': { create: validatePVCreate, update: validatePVUpdate, status: validatePVStatusUpdate },
  'apps/Deployment': { create: validateDeploymentCreate, update: validateDeploymentUpdate, status: validateDeploymentStatusUpdate },
  'apps/ReplicaSet': { create: validateReplicaSetCreate, update: validateReplicaSetUpdate, status: validateReplicaSetStatusUpdate },
  'apps/StatefulSet': { create: validateStatefulSetCreate, update: validateStatefulSetUpdate, status: validateStatefulSetStatusUpdate },
  'apps/DaemonSet': { create: validateDaemonSetCreate, update: validateDaemonSetUpdate, status: validateDaemonSetStatusUpdate },
  'apps/ControllerRevision': {
    create: controllerRevisionCreate,
    update: (o, old) => {
      const errs = [...metaUpdate(o, old), ...controllerRevisionCreate(o)];
      if (!semanticEqual(o.data, old.data)) errs.push(invalidRepr('data', o.data, 'runtime.RawExtension{...}', FIELD_IMMUTABLE));
      return errs;
    },
  },
  'batch/Job': { create: validateJobCreate, update: validateJobUpdate, status: validateJobStatusUpdate },
  'batch/CronJob': { create: validateCronJobCreate, update: validateCronJobUpdate, status: validateCronJobStatusUpdate },
  'coordination.k8s.io/Lease': { create: validateLeaseCreate, update: validateLeaseUpdate },
  'scheduling.k8s.io/PriorityClass': { create: validatePriorityClassCreate, update: validatePriorityClassUpdate },
  'policy/PodDisruptionBudget': { create: validatePDB, update: (o) => validatePDB(o), status: (o) => validatePDBStatusUpdate(o) },
  'autoscaling/HorizontalPodAutoscaler': { create: validateHPACreate, update: validateHPAUpdate, status: validateHPAStatusUpdate },
  'networking.k8s.io/Ingress': { create: validateIngressCreate, update: validateIngressUpdate, status: validateIngressStatusUpdate },
  'networking.k8s.io/IngressClass': { create: validateIngressClassCreate, update: validateIngressClassUpdate },
  'networking.k8s.io/NetworkPolicy': { create: validateNetworkPolicyCreate, update: validateNetworkPolicyUpdate },
  'storage.k8s.io/StorageClass': { create: validateStorageClassCreate, update: validateStorageClassUpdate },
  'rbac.authorization.k8s.io/Role': { create: (o) => validateRoleCreate(o, true), update: (o, old) => validateRoleUpdate(o, old, true) },
  'rbac.authorization.k8s.io/ClusterRole': { create: (o) => validateRoleCreate(o, false), update: (o, old) => validateRoleUpdate(o, old, false) },
  'rbac.authorization.k8s.io/RoleBinding': { create: (o) => validateBindingCreate(o, true), update: (o, old) => validateBindingUpdate(o, old, true) },
  'rbac.authorization.k8s.io/ClusterRoleBinding': {
    create: (o) => validateBindingCreate(o, false),
    update: (o, old) => validateBindingUpdate(o, old, false),
  },
  'events.k8s.io/Event': { create: validateCoreEvent, update: (o) => validateCoreEvent(o) },
};

function strategyOf(type: ResourceType): Strategy {
  return STRATEGIES[`${type.group}/${type.kind}`] ?? {};
}

/** The generic registry's metadata check: names need only be valid path segments. */
function genericMeta(type: ResourceType, o: Rec): FieldError[] {
  return validateObjectMeta(o.metadata, type.namespaced, validatePathSegmentName, 'metadata', false);
}

/** A validator that fails must still answer with field errors, never by throwing. */
function guarded(run: () => FieldError[]): FieldError[] {
  try {
    return run();
  } catch (e) {
    return [{ type: 'InternalError', field: '', hasValue: false, detail: e instanceof Error ? e.message : String(e) }];
  }
}

/** Errors for a new object (after defaulting and admission), in upstream order and words. */
export function validateCreate(type: ResourceType, obj0: KubeObject): FieldError[] {
  return guarded(() => {
    const o = obj(obj0);
    const strategy = strategyOf(type).create;
    const errs = strategy ? strategy(o) : [];
    // rest.BeforeCreate checks common metadata only once the strategy is satisfied.
    if (errs.length > 0) return errs;
    return genericMeta(type, o);
  });
}

function validateUpdateWith(type: ResourceType, o: Rec, old: Rec, strategy: Update | undefined): FieldError[] {
  // rest.BeforeUpdate validates common fields first, then the strategy.
  const errs = genericMeta(type, o);
  errs.push(...validateObjectMetaUpdate(o.metadata, old.metadata, 'metadata', false));
  errs.push(...(strategy ? strategy(o, old) : metaUpdate(o, old)));
  return errs;
}

/** Errors for an update of `old` to `obj`, including immutable-field rules. */
export function validateUpdate(type: ResourceType, obj0: KubeObject, old: KubeObject): FieldError[] {
  return guarded(() => validateUpdateWith(type, obj(obj0), obj(old), strategyOf(type).update));
}

/** Errors for a status update (the status strategy's ValidateUpdate). */
export function validateStatusUpdate(type: ResourceType, obj0: KubeObject, old: KubeObject): FieldError[] {
  return guarded(() => validateUpdateWith(type, obj(obj0), obj(old), strategyOf(type).status));
}
