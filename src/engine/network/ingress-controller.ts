/**
 * The simulated ingress controller (after ingress-nginx): it serves the
 * Ingresses of its IngressClass (`spec.ingressClassName`, or the legacy
 * `kubernetes.io/ingress.class` annotation), records "Sync" events and
 * reports its external address in status.loadBalancer, as ingress-nginx
 * does from its LoadBalancer Service. Its routing is in ingress-routing.ts;
 * the network sends requests for its address through it.
 */
import { R } from '../api/kinds.ts';
import type { Stored } from '../api/types.ts';
import { deepEqual, namespacedName, splitKey } from '../api/meta.ts';
import type { Informer } from '../client/informer.ts';
import type { Controller } from '../controllers/manager.ts';
import type { Ingress } from './ingress-routing.ts';

/** The IngressClass ingress-nginx installs, and its controller name. */
export const INGRESS_CLASS = 'nginx';
export const INGRESS_CONTROLLER = 'k8s.io/ingress-nginx';

export function ingressController(address: string, className = INGRESS_CLASS): Controller {
  let ingresses: Informer<Ingress>;
  return {
    name: 'nginx-ingress-controller',
    setup(ctx) {
      ingresses = ctx.informers.informer<Ingress>(R.ingresses);
      const enqueue = (i: Stored<Ingress>) => ctx.enqueue(namespacedName(i));
      ingresses.on({ add: enqueue, update: (o, i) => (o.metadata.generation !== i.metadata.generation || !deepEqual(o.metadata.annotations, i.metadata.annotations) ? enqueue(i) : undefined), delete: enqueue });
    },
    reconcile(key, ctx) {
      const { namespace, name } = splitKey(key);
      const ing = ingresses.get(namespace, name);
      if (!ing || ing.metadata.deletionTimestamp) return;
      const mine = ing.spec?.ingressClassName === className || (!ing.spec?.ingressClassName && ing.metadata.annotations?.['kubernetes.io/ingress.class'] === className);
      if (!mine) return;
      ctx.recorder.event(ing, 'Normal', 'Sync', 'Scheduled for sync');
      const want = { loadBalancer: { ingress: [{ ip: address }] } };
      if (deepEqual(ing.status, want)) return;
      ctx.client.updateStatus(R.ingresses, { ...ing, status: want });
    },
  };
}
