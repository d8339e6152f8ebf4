/**
 * `kubectl label` and `kubectl annotate`: set (`key=value`) or remove
 * (`key-`) labels or annotations with a JSON merge patch, refusing to change
 * an existing value without `--overwrite`, printing `pod/web labeled`,
 * `unlabeled`, `not labeled` or `annotated`.
 */
import { clone } from '../../engine/index.ts';
import type { KubeObject } from '../../engine/index.ts';
import { createMergePatch, jsonEqual } from '../patch-functions.ts';
import type { Command, Invocation } from '../command.ts';
import { ALL_NAMESPACES_FLAG, MUTATION_FLAGS, SELECTOR_FLAG, dryRunOf, operation } from '../command.ts';
import { AggregateError, KubectlError } from '../errors.ts';
import { resolveInfos } from '../builder.ts';
import { objectName } from '../resources.ts';
import { resourcesAndPairs, parsePairs } from '../pairs.ts';
import { printMutated } from './print-result.ts';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** validation.IsValidLabelValue. */
export function labelValueErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(v))
    errs.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
  return errs;
}

function parseLabels(specs: string[]): { set: Array<[string, string]>; remove: string[] } {
  const set: Array<[string, string]> = [];
  const remove: string[] = [];
  for (const s of specs) {
    if (s.includes('=')) {
      const parts = s.split('=');
      if (parts.length !== 2) throw new KubectlError(`invalid label spec: ${s}`);
      const errs = labelValueErrors(parts[1]);
      if (errs.length > 0) throw new KubectlError(`invalid label value: ${JSON.stringify(s)}: ${errs.join(';')}`);
      set.push([parts[0], parts[1]]);
    } else if (s.endsWith('-')) remove.push(s.slice(0, -1));
    else throw new KubectlError(`unknown label spec: ${s}`);
  }
  if (remove.some((r) => set.some(([k]) => k === r))) throw new KubectlError('can not both modify and remove a label in the same command');
  return { set, remove };
}

type Field = 'labels' | 'annotations';

/** Applies the changes to a copy of `obj`; throws the --overwrite refusal. */
export function editMetadata(obj: KubeObject, field: Field, set: ReadonlyArray<[string, string]>, remove: readonly string[], overwrite: boolean): KubeObject {
  const current = (obj.metadata[field] ?? {}) as Record<string, string>;
  if (!overwrite) {
    if (field === 'labels') {
      const errs = set.filter(([k, v]) => k in current && current[k] !== v).map(([k]) => new KubectlError(`'${k}' already has a value (${current[k]}), and --overwrite is false`));
      if (errs.length === 1) throw errs[0];
      if (errs.length > 1) throw new AggregateError(errs);
    } else {
      const clashes = set.filter(([k, v]) => k !== 'kubernetes.io/change-cause' && k in current && current[k] !== v).map(([k]) => `'${k}' already has a value (${current[k]})`);
      if (clashes.length > 0) throw new KubectlError(`--overwrite is false but found the following declared annotation(s): ${clashes.join('; ')}`);
    }
  }
  const copy = clone(obj);
  const next: Record<string, string> = { ...current };
  for (const [k, v] of set) next[k] = v;
  for (const k of remove) delete next[k];
  copy.metadata[field] = next;
  return copy;
}

function changeMessage(before: KubeObject, after: KubeObject, overwrite: boolean): string {
  if (jsonEqual(before, after)) return 'not labeled';
  return !overwrite && JSON.stringify(after).length < JSON.stringify(before).length ? 'unlabeled' : 'labeled';
}

function runEdit(inv: Invocation, field: Field): void {
  const { flags } = inv;
  const noun = field === 'labels' ? 'label' : 'annotation';
  const { resources, pairs } = resourcesAndPairs(inv.args, noun);
  const { set, remove } = field === 'labels' ? parseLabels(pairs) : parsePairs(pairs, 'annotation', true);
  if (field === 'annotations') {
    const both = remove.filter((r) => set.some(([k]) => k === r));
    if (both.length > 0) throw new KubectlError(`can not both modify and remove the following annotation(s) in the same command: ${both.join(', ')}`);
  }
  if (flags.bool('all') && flags.string('selector')) throw new KubectlError('cannot set --all and --selector at the same time');
  if (flags.bool('all') && flags.string('field-selector')) throw new KubectlError('cannot set --all and --field-selector at the same time');
  if (resources.length < 1 && flags.strings('filename').length === 0) throw new KubectlError('one or more resources must be specified as <resource> <name> or <resource>/<name>');
  if (set.length < 1 && remove.length < 1 && !flags.bool('list')) throw new KubectlError(`at least one ${noun} update is required`);
  const dryRun = dryRunOf(inv);
  const overwrite = flags.bool('overwrite');
  const res = resolveInfos(inv, resources, {
    filenames: true,
    all: flags.bool('all'),
    selector: flags.string('selector'),
    fieldSelector: flags.string('field-selector'),
    allNamespaces: flags.bool('all-namespaces'),
  });
  if (!res.singleItem && flags.string('resource-version')) throw new KubectlError(`--resource-version may only be used with a single resource`);
  let n = 0;
  for (const info of res.infos) {
    const name = objectName(info.type, info.name);
    const before = info.object;
    if (flags.bool('list')) {
      const header = res.singleItem ? '' : ' ';
      if (!res.singleItem) inv.out.out(`Listing ${field} for ${info.type.kind}.${info.type.group}/${info.name}:\n`);
      for (const [k, v] of Object.entries((before.metadata[field] ?? {}) as Record<string, string>)) inv.out.out(`${header}${k}=${v}\n`);
      continue;
    }
    if (field === 'labels' && dryRun !== 'client')
      for (const r of remove) if (!(r in ((before.metadata.labels ?? {}) as Record<string, string>))) inv.out.out(`label ${JSON.stringify(r)} not found.\n`);
    const after = editMetadata(before, field, set, remove, overwrite);
    if (flags.string('resource-version')) after.metadata.resourceVersion = flags.string('resource-version');
    const msg = field === 'labels' ? changeMessage(before, after, overwrite) : 'annotated';
    let printed: KubeObject = after;
    if (dryRun !== 'client') {
      const base = flags.string('resource-version') ? { ...before, metadata: { ...before.metadata, resourceVersion: '' } } : before;
      printed = inv.client.patch(info.type, info.namespace, info.name, createMergePatch(base as never, after as never), 'merge', { dryRun: dryRun === 'server' });
    }
    printMutated(inv, field === 'labels' ? after : printed, name, operation(msg, dryRun), n++);
  }
  if (res.errors.length > 0) throw new AggregateError(res.errors);
}

const editFlags = [
  { name: 'overwrite', kind: 'bool' as const },
  { name: 'list', kind: 'bool' as const },
  { name: 'local', kind: 'bool' as const },
  { name: 'all', kind: 'bool' as const },
  { name: 'resource-version', kind: 'string' as const },
  { name: 'field-selector', kind: 'string' as const },
  { name: 'field-manager', kind: 'string' as const },
  ALL_NAMESPACES_FLAG,
  SELECTOR_FLAG,
  ...MUTATION_FLAGS,
];

export const labelCommand: Command = {
  path: ['label'],
  usage: 'kubectl label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]',
  flags: editFlags,
  run: (inv) => runEdit(inv, 'labels'),
};

export const annotateCommand: Command = {
  path: ['annotate'],
  usage: 'kubectl annotate [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]',
  flags: editFlags,
  run: (inv) => runEdit(inv, 'annotations'),
};
