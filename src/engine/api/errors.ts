/**
 * API errors in the words of the Kubernetes API server: a metav1.Status with
 * reason, code and field causes, and messages built as apimachinery builds
 * them (k8s.io/apimachinery/pkg/api/errors, pkg/util/validation/field).
 */

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'TooManyRequests'
  | 'InternalError';

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: StatusReason;
  details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[]; retryAfterSeconds?: number };
  code: number;
}

/** A refused API request. `status` is what the API server would answer. */
export class StatusError extends Error {
  readonly status: Status;
  constructor(status: Omit<Status, 'kind' | 'apiVersion' | 'metadata' | 'status'>) {
    super(status.message);
    this.name = 'StatusError';
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...status };
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): StatusReason {
    return this.status.reason;
  }
}

export function isStatusError(e: unknown, reason?: StatusReason): e is StatusError {
  return e instanceof StatusError && (reason === undefined || e.status.reason === reason);
}

// ---- field errors (k8s.io/apimachinery/pkg/util/validation/field) ----

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** One field error: the path, what is wrong, the offending value and detail. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: unknown;
  hasValue: boolean;
  detail: string;
}

/** Formats a value the way Go's %v/%q/%#v print it in field errors. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
    return `[]interface {}{${v.map(goValue).join(', ')}}`;
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.every(([, x]) => typeof x === 'string'))
      return `map[string]string{${entries.map(([k, x]) => `${JSON.stringify(k)}:${JSON.stringify(x)}`).join(', ')}}`;
    return `map[string]interface {}{${entries.map(([k, x]) => `${JSON.stringify(k)}:${goValue(x)}`).join(', ')}}`;
  }
  return String(v);
}

/** The part of the message after the field path: "Invalid value: -1: must be ...". */
export function fieldErrorBody(e: FieldError): string {
  let s: string;
  switch (e.type) {
    case 'FieldValueRequired':
    case 'FieldValueForbidden':
    case 'FieldValueTooLong':
    case 'InternalError':
      s = TYPE_TEXT[e.type];
      break;
    default:
      s = e.hasValue ? `${TYPE_TEXT[e.type]}: ${goValue(e.value)}` : TYPE_TEXT[e.type];
  }
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

export function fieldErrorMessage(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

function fe(type: FieldErrorType, field: string, detail: string, value?: unknown, hasValue = value !== undefined): FieldError {
  return { type, field, value, hasValue, detail };
}

/** field.Required */
export const required = (field: string, detail = ''): FieldError => fe('FieldValueRequired', field, detail);
/** field.Invalid */
export const invalid = (field: string, value: unknown, detail: string): FieldError =>
  fe('FieldValueInvalid', field, detail, value, true);
/** field.NotSupported: the value and the sorted list of supported values, quoted. */
export const notSupported = (field: string, value: unknown, supported: string[]): FieldError =>
  fe('FieldValueNotSupported', field, `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`, value, true);
/** field.Forbidden */
export const forbidden = (field: string, detail: string): FieldError => fe('FieldValueForbidden', field, detail);
/** field.Duplicate */
export const duplicate = (field: string, value: unknown): FieldError => fe('FieldValueDuplicate', field, '', value, true);
/** field.TooLong */
export const tooLong = (field: string, max: number): FieldError =>
  fe('FieldValueTooLong', field, `may not be more than ${max} bytes`);
/** field.TooMany */
export const tooMany = (field: string, actual: number, max: number): FieldError =>
  fe('FieldValueTooMany', field, `must have at most ${max} items`, actual, true);
/** field.NotFound */
export const notFoundField = (field: string, value: unknown): FieldError => fe('FieldValueNotFound', field, '', value, true);

// ---- constructors for the API server's refusals ----

interface Target {
  /** `deployments.apps` style group-resource. */
  groupResource: string;
  group: string;
  kind: string;
}

export function notFound(t: Target, name: string): StatusError {
  return new StatusError({
    reason: 'NotFound',
    code: 404,
    message: `${t.groupResource} ${JSON.stringify(name)} not found`,
    details: { name, group: t.group || undefined, kind: t.groupResource.split('.')[0] },
  });
}

export function alreadyExists(t: Target, name: string): StatusError {
  return new StatusError({
    reason: 'AlreadyExists',
    code: 409,
    message: `${t.groupResource} ${JSON.stringify(name)} already exists`,
    details: { name, group: t.group || undefined, kind: t.groupResource.split('.')[0] },
  });
}

export function conflict(t: Target, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): StatusError {
  return new StatusError({
    reason: 'Conflict',
    code: 409,
    message: `Operation cannot be fulfilled on ${t.groupResource} ${JSON.stringify(name)}: ${why}`,
    details: { name, group: t.group || undefined, kind: t.groupResource.split('.')[0] },
  });
}

/** apierrors.NewInvalid: `Deployment.apps "web" is invalid: <one error, or [e1, e2]>`. */
export function invalidObject(qualifiedKind: string, name: string, errors: FieldError[]): StatusError {
  const messages: string[] = [];
  for (const e of errors) {
    const m = fieldErrorMessage(e);
    if (!messages.includes(m)) messages.push(m);
  }
  const agg = messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  const [kind, ...group] = qualifiedKind.split('.');
  return new StatusError({
    reason: 'Invalid',
    code: 422,
    message: `${qualifiedKind} ${JSON.stringify(name)} is invalid: ${agg}`,
    details: {
      name,
      group: group.join('.') || undefined,
      kind,
      causes: errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
    },
  });
}

export function badRequest(message: string): StatusError {
  return new StatusError({ reason: 'BadRequest', code: 400, message });
}

/** apierrors.NewForbidden: `pods "x" is forbidden: <why>`. */
export function forbiddenRequest(t: Target, name: string, why: string): StatusError {
  const subject = name ? `${t.groupResource} ${JSON.stringify(name)}` : t.groupResource;
  return new StatusError({
    reason: 'Forbidden',
    code: 403,
    message: `${subject} is forbidden: ${why}`,
    details: { name: name || undefined, group: t.group || undefined, kind: t.groupResource.split('.')[0] },
  });
}

export function methodNotAllowed(message: string): StatusError {
  return new StatusError({ reason: 'MethodNotAllowed', code: 405, message });
}

export function tooManyRequests(message: string, causes?: StatusCause[]): StatusError {
  return new StatusError({ reason: 'TooManyRequests', code: 429, message, details: causes ? { causes } : undefined });
}

export function gone(message: string): StatusError {
  return new StatusError({ reason: 'Gone', code: 410, message });
}

export function internalError(message: string): StatusError {
  return new StatusError({ reason: 'InternalError', code: 500, message: `Internal error occurred: ${message}` });
}
