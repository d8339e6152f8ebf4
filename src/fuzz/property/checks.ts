/** Checks that property scenarios use about what the "any" steps drew. */
import { R, isPodReady, type Deployment } from '../../engine/index.ts';
import type { Check } from '../../harness/checks.ts';
import type { Ref } from '../../harness/params.ts';
import { podsOf } from '../../harness/workloads.ts';
import { podsReport } from '../../harness/report.ts';

/** "the deployment has all its replicas ready": as many ready pods, and as many reported ready, as it asks for. */
export function allReplicasReady(ref: Ref): Check {
  return (view) => {
    const d = view.get<Deployment>(R.deployments, ref.namespace, ref.name);
    const expected = `the deployment "${ref.name}" has all its replicas ready`;
    if (!d) return { ok: false, expected, found: `there is no deployment "${ref.name}" in namespace "${ref.namespace}"` };
    const want = d.spec.replicas ?? 1;
    const pods = podsOf(view, 'deployment', ref);
    const ready = pods.filter((p) => isPodReady(p)).length;
    const reported = d.status?.readyReplicas ?? 0;
    return {
      ok: ready === want && reported === want,
      expected: `${expected} (${want})`,
      found: `${ready} of its ${pods.length} live pods are ready; its status says ${reported}`,
      details: () => podsReport(view, podsOf(view, 'deployment', ref, false)),
    };
  };
}
