/**
 * Probes and lifecycle hooks: exactly one handler each, the handler's own
 * rules, and non-negative timings (pkg/apis/core/validation, release 1.33).
 */
import type { FieldError } from '../errors.ts';
import { forbidden, invalid, notSupported, required } from '../errors.ts';
import { isHTTPHeaderName, isValidPortName, isValidPortNum } from './names.ts';
import { arr, child, nonNegative, num, obj, optNum, rec, str } from './util.ts';
import type { Rec } from './util.ts';

/** ValidatePortNumOrName: a port number 1..65535 or an IANA service name. */
export function validatePortNumOrName(port: unknown, field: string): FieldError[] {
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(field, port, m));
  const n = num(port);
  return isValidPortNum(n).map((m) => invalid(field, n, m));
}

function validateHTTPGet(h: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (str(h.path).length === 0) errs.push(required(child(field, 'path'), ''));
  errs.push(...validatePortNumOrName(h.port, child(field, 'port')));
  const scheme = str(h.scheme);
  if (scheme !== 'HTTP' && scheme !== 'HTTPS') errs.push(notSupported(child(field, 'scheme'), scheme, ['HTTP', 'HTTPS']));
  for (const header of arr(h.httpHeaders)) {
    const name = str(obj(header).name);
    for (const m of isHTTPHeaderName(name)) errs.push(invalid(child(field, 'httpHeaders'), name, m));
  }
  return errs;
}

/**
 * validateHandler over the handler kinds a probe (exec, httpGet, tcpSocket,
 * grpc) or a lifecycle hook (exec, httpGet, tcpSocket, sleep) may use.
 */
function validateHandler(h: Rec, kinds: string[], gracePeriod: number | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const kind of ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep']) {
    if (!kinds.includes(kind)) continue;
    const v = rec(h[kind]);
    if (!v) continue;
    const p = child(field, kind);
    if (n > 0) {
      errs.push(forbidden(p, 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    switch (kind) {
      case 'exec':
        if (arr(v.command).length === 0) errs.push(required(child(p, 'command'), ''));
        break;
      case 'httpGet':
        errs.push(...validateHTTPGet(v, p));
        break;
      case 'tcpSocket':
        errs.push(...validatePortNumOrName(v.port, child(p, 'port')));
        break;
      case 'grpc':
        errs.push(...validatePortNumOrName(num(v.port), child(p, 'port')));
        break;
      case 'sleep': {
        // PodLifecycleSleepActionAllowZero is on in 1.33: zero seconds is allowed.
        const seconds = num(v.seconds);
        if (gracePeriod !== undefined && (seconds < 0 || seconds > gracePeriod))
          errs.push(invalid(p, seconds, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`));
        break;
      }
    }
  }
  if (n === 0) errs.push(required(field, 'must specify a handler type'));
  return errs;
}

function validateProbe(probe: Rec, gracePeriod: number | undefined, field: string): FieldError[] {
  const errs = validateHandler(probe, ['exec', 'httpGet', 'tcpSocket', 'grpc'], gracePeriod, field);
  errs.push(...nonNegative(num(probe.initialDelaySeconds), child(field, 'initialDelaySeconds')));
  errs.push(...nonNegative(num(probe.timeoutSeconds), child(field, 'timeoutSeconds')));
  errs.push(...nonNegative(num(probe.periodSeconds), child(field, 'periodSeconds')));
  errs.push(...nonNegative(num(probe.successThreshold), child(field, 'successThreshold')));
  errs.push(...nonNegative(num(probe.failureThreshold), child(field, 'failureThreshold')));
  const tgps = optNum(probe.terminationGracePeriodSeconds);
  if (tgps !== undefined && tgps <= 0) errs.push(invalid(child(field, 'terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  return errs;
}

/** validateLivenessProbe: a probe whose success threshold must be 1. */
export function validateLivenessProbe(probe: unknown, gracePeriod: number | undefined, field: string): FieldError[] {
  const p = rec(probe);
  if (!p) return [];
  const errs = validateProbe(p, gracePeriod, field);
  if (num(p.successThreshold) !== 1) errs.push(invalid(child(field, 'successThreshold'), num(p.successThreshold), 'must be 1'));
  return errs;
}

/** validateReadinessProbe: a probe without terminationGracePeriodSeconds. */
export function validateReadinessProbe(probe: unknown, gracePeriod: number | undefined, field: string): FieldError[] {
  const p = rec(probe);
  if (!p) return [];
  const errs = validateProbe(p, gracePeriod, field);
  const tgps = optNum(p.terminationGracePeriodSeconds);
  if (tgps !== undefined) errs.push(invalid(child(field, 'terminationGracePeriodSeconds'), tgps, 'must not be set for readinessProbes'));
  return errs;
}

/** validateStartupProbe: like a liveness probe. */
export const validateStartupProbe = validateLivenessProbe;

/** validateLifecycle: postStart and preStop hooks. */
export function validateLifecycle(lifecycle: unknown, gracePeriod: number | undefined, field: string): FieldError[] {
  const l = obj(lifecycle);
  const errs: FieldError[] = [];
  const kinds = ['exec', 'httpGet', 'tcpSocket', 'sleep'];
  const post = rec(l.postStart);
  if (post) errs.push(...validateHandler(post, kinds, gracePeriod, child(field, 'postStart')));
  const pre = rec(l.preStop);
  if (pre) errs.push(...validateHandler(pre, kinds, gracePeriod, child(field, 'preStop')));
  return errs;
}
