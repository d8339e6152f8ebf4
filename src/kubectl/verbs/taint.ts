/**
 * `kubectl taint nodes NAME key=value:Effect | key:Effect- | key-`: adds,
 * replaces (`--overwrite`) or removes node taints, printing
 * `node/node-1 tainted`, `untainted` or `modified`.
 */
import { R, clone } from '../../engine/index.ts';
import type { Client, KubeObject, Taint } from '../../engine/index.ts';
import { createTwoWayMergePatch } from '../patch-functions.ts';
import type { Command, Invocation } from '../command.ts';
import { DRY_RUN_FLAG, OUTPUT_FLAG, SELECTOR_FLAG, dryRunOf, operation } from '../command.ts';
import { KubectlError, throwAll, usageError } from '../errors.ts';
import { resolveType, objectName } from '../resources.ts';
import { labelValueErrors } from './label.ts';
import { printMutated } from './print-result.ts';

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** validation.IsQualifiedName. */
function qualifiedNameErrors(key: string): string[] {
  const parts = key.split('/');
  let name = key;
  const errs: string[] = [];
  if (parts.length === 2) {
    const [prefix, n] = parts;
    name = n;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else if (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))
      errs.push(`prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`);
  } else if (parts.length > 2) {
    return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !QUALIFIED_NAME.test(name))
    errs.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
  return errs;
}

/** Parses `key=value:Effect`, `key:Effect` or `key` (parseTaint). */
export function parseTaint(st: string): Taint {
  const parts = st.split(':');
  let key: string;
  let value = '';
  let effect = '';
  if (parts.length === 1) key = parts[0];
  else if (parts.length === 2) {
    effect = parts[1];
    if (!EFFECTS.includes(effect)) throw new KubectlError(`invalid taint effect: ${effect}, unsupported taint effect`);
    const kv = parts[0].split('=');
    if (kv.length > 2) throw new KubectlError(`invalid taint spec: ${st}`);
    key = kv[0];
    if (kv.length === 2) {
      value = kv[1];
      const errs = labelValueErrors(value);
      if (errs.length > 0) throw new KubectlError(`invalid taint spec: ${st}, ${errs.join('; ')}`);
    }
  } else throw new KubectlError(`invalid taint spec: ${st}`);
  const errs = qualifiedNameErrors(key);
  if (errs.length > 0) throw new KubectlError(`invalid taint spec: ${st}, ${errs.join('; ')}`);
  const t: Taint = { key, effect } as Taint;
  if (value) t.value = value;
  return t;
}

/** taint.ToString(). */
export function taintString(t: Partial<Taint>): string {
  if (!t.effect) return t.value ? `${t.key}=${t.value}:` : `${t.key}`;
  return t.value ? `${t.key}=${t.value}:${t.effect}` : `${t.key}:${t.effect}`;
}

/** parseTaints: taints to add (validated, unique by key and effect) and to remove. */
export function parseTaints(specs: readonly string[]): { add: Taint[]; remove: Array<Partial<Taint>> } {
  const add: Taint[] = [];
  const remove: Array<Partial<Taint>> = [];
  for (const s of specs) {
    if (s.endsWith('-')) {
      const t = parseTaint(s.slice(0, -1));
      remove.push(t.effect ? { key: t.key, effect: t.effect } : { key: t.key });
    } else {
      const t = parseTaint(s);
      if (!t.effect) throw new KubectlError(`invalid taint spec: ${s}`);
      if (add.some((a) => a.key === t.key && a.effect === t.effect)) throw new KubectlError(`duplicated taints with the same key and effect: ${goTaint(t)}`);
      add.push(t);
    }
  }
  return { add, remove };
}

function goTaint(t: Taint): string {
  return `{${t.key} ${t.value ?? ''} ${t.effect} <nil>}`;
}

/** reorganizeTaints: the node's new taints and the operation word. */
export function updateTaints(node: KubeObject, add: readonly Taint[], remove: ReadonlyArray<Partial<Taint>>, overwrite: boolean): { taints: Taint[]; op: string } {
  const old = ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []) as Taint[];
  if (!overwrite) {
    const exists = add.filter((t) => old.some((o) => o.key === t.key && o.effect === t.effect)).map((t) => t.key);
    if (exists.length > 0) throw new KubectlError(`node ${node.metadata.name} already has ${exists.join(',')} taint(s) with same effect(s) and --overwrite is false`);
  }
  let next: Taint[] = [...add];
  for (const o of old) if (!next.some((t) => t.key === o.key && t.effect === o.effect)) next.push(o);
  const added = old.length !== next.length;
  const errors: KubectlError[] = [];
  let removed = false;
  for (const r of remove) {
    const before = next.length;
    next = next.filter((t) => !(t.key === r.key && (!r.effect || t.effect === r.effect)));
    removed = next.length !== before;
    if (!removed) errors.push(new KubectlError(`taint ${JSON.stringify(taintString(r))} not found`));
  }
  throwAll(errors);
  const op = (added && removed) || overwrite ? 'modified' : added ? 'tainted' : 'untainted';
  return { taints: next, op };
}

/** Taints or untaints one node; returns the operation word. */
export function taintNode(client: Client, nodeName: string, specs: readonly string[], overwrite = false): string {
  const { add, remove } = parseTaints(specs);
  const node = client.get(R.nodes, undefined, nodeName);
  const { taints, op } = updateTaints(node, add, remove, overwrite);
  const next = clone(node) as KubeObject & { spec?: { taints?: Taint[] } };
  next.spec = { ...(next.spec ?? {}), taints };
  if (taints.length === 0) delete next.spec.taints;
  client.patch(R.nodes, undefined, nodeName, createTwoWayMergePatch(node, next, 'Node'), 'strategic');
  return op;
}

function runTaint(inv: Invocation): void {
  const { flags } = inv;
  const resources: string[] = [];
  const specs: string[] = [];
  let met = false;
  for (const s of inv.args) {
    const isTaint = s.includes('=') || s.includes(':') || s.endsWith('-');
    if (isTaint) {
      met = true;
      specs.push(s);
    } else if (!met) resources.push(s);
    else throw new KubectlError(`all resources must be specified before taint changes: ${s}`);
  }
  if (resources.length < 1) throw new KubectlError('one or more resources must be specified as <resource> <name>');
  if (specs.length < 1) throw new KubectlError('at least one taint update is required');
  let parsed: ReturnType<typeof parseTaints>;
  try {
    parsed = parseTaints(specs);
  } catch (e) {
    throw usageError(inv.commandPath, (e as Error).message);
  }
  const type = resolveType(resources[0]);
  if (type.kind !== 'Node') throw new KubectlError(`invalid resource type ${resources[0].toLowerCase()}, only node types are supported`);
  const conflicts = parsed.add.flatMap((a) => parsed.remove.filter((r) => r.key === a.key && (!r.effect || r.effect === a.effect)).map((r) => `${r.key}=${r.effect ?? ''}`));
  if (conflicts.length > 0) throw new KubectlError(`can not both modify and remove the following taint(s) in the same command: ${conflicts.join(', ')}`);
  const all = flags.bool('all');
  const selector = flags.string('selector');
  if (all && selector) throw new KubectlError("setting 'all' parameter with a non empty selector is prohibited");
  if (!all && !selector && resources.length < 2) throw new KubectlError("at least one resource name must be specified since 'all' parameter is not set");
  const nodes = all || selector ? inv.client.list(R.nodes, { labelSelector: selector || undefined }).items : resources.slice(1).map((n) => inv.client.get(R.nodes, undefined, n));
  const dryRun = dryRunOf(inv);
  let n = 0;
  for (const node of nodes) {
    const { taints, op } = updateTaints(node, parsed.add, parsed.remove, flags.bool('overwrite'));
    const next = clone(node) as KubeObject & { spec?: { taints?: Taint[] } };
    next.spec = { ...(next.spec ?? {}), taints };
    if (taints.length === 0) delete next.spec.taints;
    let printed: KubeObject = next;
    if (dryRun !== 'client') printed = inv.client.patch(R.nodes, undefined, node.metadata.name, createTwoWayMergePatch(node, next, 'Node'), 'strategic', { dryRun: dryRun === 'server' });
    printMutated(inv, printed, objectName(R.nodes, node.metadata.name), operation(op, dryRun), n++);
  }
}

export const taintCommand: Command = {
  path: ['taint'],
  usage: 'kubectl taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N',
  flags: [
    { name: 'overwrite', kind: 'bool' },
    { name: 'all', kind: 'bool' },
    { name: 'validate', kind: 'string', noOptDefault: 'strict' },
    { name: 'field-manager', kind: 'string' },
    { name: 'show-managed-fields', kind: 'bool' },
    { name: 'template', kind: 'string' },
    SELECTOR_FLAG,
    OUTPUT_FLAG,
    DRY_RUN_FLAG,
  ],
  run: runTaint,
};
