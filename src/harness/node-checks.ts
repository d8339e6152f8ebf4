/**
 * Checks on nodes and disruption budgets: node conditions (MemoryPressure,
 * DiskPressure, ...), taints, the images a node holds, and what a
 * PodDisruptionBudget allows.
 */
import { R, getCondition, taintString, type Node, type PodDisruptionBudget, type Stored } from '../engine/index.ts';
import type { Check } from './checks.ts';
import type { Ref } from './params.ts';
import { indent, table } from './report.ts';

const nodesTable = (view: Parameters<Check>[0]) => `Nodes:\n${indent(table('Node', view.list(R.nodes), view.now))}`;

function onNode(node: string, expected: string, judge: (n: Stored<Node>) => { ok: boolean; found: string }): Check {
  return (view) => {
    const n = view.get<Node>(R.nodes, undefined, node);
    if (!n) return { ok: false, expected, found: `there is no node "${node}"` };
    return { ...judge(n), expected, details: () => nodesTable(view) };
  };
}

export function nodeHasCondition(node: string, type: string, present: boolean): Check {
  return onNode(node, `node "${node}" ${present ? 'has' : 'does not have'} the condition ${type}`, (n) => {
    const c = getCondition(n.status?.conditions, type);
    return { ok: (c?.status === 'True') === present, found: c ? `${type} is ${c.status}${c.reason ? ` (${c.reason}: ${c.message ?? ''})` : ''}` : `it has no ${type} condition` };
  });
}

/** `key=value:Effect` or `key:Effect`, as kubectl writes taints. */
export function nodeTainted(node: string, taint: string, present: boolean): Check {
  return onNode(node, `node "${node}" ${present ? 'is' : 'is not'} tainted ${taint}`, (n) => {
    const taints = (n.spec?.taints ?? []).map((t) => taintString(t));
    const hit = taints.includes(taint) || (!taint.includes(':') && taints.some((t) => t.split(':')[0].split('=')[0] === taint));
    return { ok: hit === present, found: taints.length ? `its taints: ${taints.join(', ')}` : 'it has no taints' };
  });
}

/** The node lists the image in status.images (by any of its names, as written or normalized). */
export function nodeHasImage(node: string, image: string): Check {
  return onNode(node, `node "${node}" has the image "${image}"`, (n) => {
    const names = (n.status?.images ?? []).flatMap((i) => i.names ?? []);
    const short = (s: string) => s.replace(/^docker\.io\/(library\/)?/, '');
    const want = image.includes(':') || image.includes('@') ? image : `${image}:latest`;
    const hit = names.some((x) => x === want || short(x) === short(want));
    return { ok: hit, found: names.length ? `its images: ${names.filter((x) => !x.includes('@')).map(short).join(', ')}` : 'it reports no images' };
  });
}

export function budgetAllows(ref: Ref, n: number): Check {
  const expected = `the disruption budget "${ref.name}" allows ${n} disruption${n === 1 ? '' : 's'}`;
  return (view) => {
    const pdb = view.get<PodDisruptionBudget>(R.podDisruptionBudgets, ref.namespace, ref.name);
    if (!pdb) return { ok: false, expected, found: `there is no PodDisruptionBudget "${ref.name}" in namespace "${ref.namespace}"` };
    const s = pdb.status ?? {};
    return {
      ok: (s.disruptionsAllowed ?? 0) === n,
      expected,
      found: `it allows ${s.disruptionsAllowed ?? 0} (${s.currentHealthy ?? 0} healthy, ${s.desiredHealthy ?? 0} desired, ${s.expectedPods ?? 0} expected)`,
      details: () => `PodDisruptionBudget:\n${indent(table('PodDisruptionBudget', [pdb], view.now))}`,
    };
  };
}
