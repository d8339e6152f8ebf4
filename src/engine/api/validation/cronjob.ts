/**
 * CronJobs (pkg/apis/batch/validation, release 1.33): a schedule robfig/cron
 * accepts, a known time zone, a concurrency policy and a job template whose
 * selector will be generated.
 */
import type { FieldError } from '../errors.ts';
import { invalid, notSupported, required } from '../errors.ts';
import { cronScheduleError, isKnownTimeZone } from './cron-schedule.ts';
import { validateJobSpecCommon } from './job.ts';
import { selectorRepr, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { nameIsDNSSubdomain } from './names.ts';
import { child, invalidRepr, nonNegative, obj, optNum, optStr, str } from './util.ts';
import type { Rec } from './util.ts';

const TZ_CHARS = /^[A-Za-z.\-_0-9+]{1,14}$/;

function validateTimeZone(tz: string | undefined, field: string): FieldError[] {
  if (tz === undefined) return [];
  if (tz.length === 0) return [invalid(field, tz, 'timeZone must be nil or non-empty string')];
  for (const part of tz.split('/'))
    if (part === '.' || part === '..' || part.startsWith('-') || !TZ_CHARS.test(part)) return [invalid(field, tz, `unknown time zone ${tz}`)];
  const errs: FieldError[] = [];
  if (tz.toLowerCase() === 'local') errs.push(invalid(field, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  if (!isKnownTimeZone(tz)) errs.push(invalid(field, tz, `unknown time zone ${tz}`));
  return errs;
}

function validateCronJobSpec(spec: Rec, oldSpec: Rec | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const schedule = str(spec.schedule);
  const sp = child(field, 'schedule');
  if (schedule.length === 0) errs.push(required(sp, ''));
  else {
    const e = cronScheduleError(schedule);
    if (e) errs.push(invalid(sp, schedule, e));
    const allowTZ = oldSpec !== undefined && str(oldSpec.schedule).includes('TZ');
    if (allowTZ && schedule.includes('TZ') && spec.timeZone != null)
      errs.push(invalid(sp, schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    else if (!allowTZ && schedule.includes('TZ')) errs.push(invalid(sp, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  const sds = optNum(spec.startingDeadlineSeconds);
  if (sds !== undefined) errs.push(...nonNegative(sds, child(field, 'startingDeadlineSeconds')));
  const tz = optStr(spec.timeZone);
  if (oldSpec === undefined || tz !== optStr(oldSpec.timeZone)) errs.push(...validateTimeZone(tz, child(field, 'timeZone')));
  const cp = str(spec.concurrencyPolicy);
  if (cp === '') errs.push(required(child(field, 'concurrencyPolicy'), ''));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) errs.push(notSupported(child(field, 'concurrencyPolicy'), cp, ['Allow', 'Forbid', 'Replace']));
  const jt = child(field, 'jobTemplate');
  const jspec = obj(obj(spec.jobTemplate).spec);
  errs.push(...validateJobSpecCommon(jspec, child(jt, 'spec')));
  if (jspec.selector != null)
    errs.push(invalidRepr(child(jt, 'spec', 'selector'), jspec.selector, selectorRepr(jspec.selector), '`selector` will be auto-generated'));
  if (jspec.manualSelector === true) errs.push(notSupported(child(jt, 'spec', 'manualSelector'), true, ['nil', 'false']));
  for (const n of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) {
    const v = optNum(spec[n]);
    if (v !== undefined) errs.push(...nonNegative(v, child(field, n)));
  }
  return errs;
}

/** ValidateCronJobCreate: names leave room for the 11-character suffix of the jobs' names. */
export function validateCronJobCreate(cj: Rec): FieldError[] {
  const errs = validateObjectMeta(cj.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateCronJobSpec(obj(cj.spec), undefined, 'spec'));
  const name = str(obj(cj.metadata).name);
  if (name.length > 52) errs.push(invalid('metadata.name', name, 'must be no more than 52 characters'));
  return errs;
}

/** ValidateCronJobUpdate */
export function validateCronJobUpdate(cj: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(cj.metadata, old.metadata);
  errs.push(...validateCronJobSpec(obj(cj.spec), obj(old.spec), 'spec'));
  return errs;
}

/** The CronJob status strategy checks metadata only. */
export function validateCronJobStatusUpdate(cj: Rec, old: Rec): FieldError[] {
  return validateObjectMetaUpdate(cj.metadata, old.metadata);
}
