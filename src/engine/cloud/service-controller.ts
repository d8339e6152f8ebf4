/**
 * The cloud-controller-manager's service controller
 * (staging/src/k8s.io/cloud-provider/controllers/service, release 1.33):
 * for every Service of type LoadBalancer without a loadBalancerClass it
 * adds the `service.kubernetes.io/load-balancer-cleanup` finalizer, has the
 * cloud provision a load balancer ("EnsuringLoadBalancer", "EnsuredLoadBalancer")
 * and writes its address to status.loadBalancer; when the Service goes or
 * changes type, the load balancer is deleted ("DeletingLoadBalancer",
 * "DeletedLoadBalancer") and the finalizer removed.
 */
import { R } from '../api/kinds.ts';
import type { KubeObject, Stored } from '../api/types.ts';
import { namespacedName, splitKey } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import type { Informer } from '../client/informer.ts';
import type { Controller, ControllerContext } from '../controllers/manager.ts';
import type { Cloud } from './cloud.ts';

export const LB_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';

type Service = KubeObject & { spec?: { type?: string; loadBalancerClass?: string }; status?: { loadBalancer?: { ingress?: Array<{ ip?: string; ipMode?: string }> } } };

const wantsLB = (s: Service) => s.spec?.type === 'LoadBalancer' && !s.spec.loadBalancerClass && !s.metadata.deletionTimestamp;

export function serviceController(cloud: Cloud): Controller {
  let services: Informer<Service>;
  return {
    name: 'service-controller',
    setup(ctx) {
      services = ctx.informers.informer<Service>(R.services);
      const enqueue = (s: Stored<Service>) => ctx.enqueue(namespacedName(s));
      services.on({ add: enqueue, update: (_o, s) => enqueue(s), delete: enqueue });
    },
    reconcile(key, ctx) {
      const { namespace, name } = splitKey(key);
      const svc = services.get(namespace, name);
      if (!svc) return;
      const finalizers = svc.metadata.finalizers ?? [];
      const ips = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => !!ip);
      if (wantsLB(svc)) {
        if (!finalizers.includes(LB_FINALIZER)) {
          ctx.client.update(R.services, { ...svc, metadata: { ...svc.metadata, finalizers: [...finalizers, LB_FINALIZER] } });
          return;
        }
        if (ips.length) return;
        ctx.recorder.event(svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
        const ip = cloud.allocateIP();
        if (!ip) {
          ctx.recorder.event(svc, 'Warning', 'SyncLoadBalancerFailed', 'Error syncing load balancer: failed to ensure load balancer: no free address in the load balancer pool');
          return { requeueAfterMs: 5_000 };
        }
        updateStatus(ctx, svc, [{ ip, ipMode: 'VIP' }]);
        ctx.recorder.event(svc, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
        return;
      }
      if (!finalizers.includes(LB_FINALIZER) && !ips.length) return;
      ctx.recorder.event(svc, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
      for (const ip of ips) cloud.releaseIP(ip);
      if (ips.length && !svc.metadata.deletionTimestamp) updateStatus(ctx, svc, []);
      ctx.recorder.event(svc, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
      const cur = ctx.client.get<Service>(R.services, namespace, name);
      const rest = (cur.metadata.finalizers ?? []).filter((f) => f !== LB_FINALIZER);
      try {
        ctx.client.update(R.services, { ...cur, metadata: { ...cur.metadata, finalizers: rest.length ? rest : undefined } });
      } catch (e) {
        if (!isStatusError(e, 'NotFound')) throw e;
      }
    },
  };
}

function updateStatus(ctx: ControllerContext, svc: Stored<Service>, ingress: Array<{ ip: string; ipMode: string }>): void {
  const cur = ctx.client.get<Service>(R.services, svc.metadata.namespace, svc.metadata.name);
  ctx.client.updateStatus(R.services, { ...cur, status: { ...(cur.status ?? {}), loadBalancer: ingress.length ? { ingress } : {} } });
}
