/**
 * The service account controller (pkg/controller/serviceaccount): every
 * active namespace has a ServiceAccount named `default`, recreated if deleted.
 */
import { R } from '../api/kinds.ts';
import type { Namespace, ServiceAccount } from '../api/types.ts';
import { isStatusError } from '../api/errors.ts';
import type { Informer } from '../client/informer.ts';
import type { Controller } from './manager.ts';

export function serviceAccountController(): Controller {
  let namespaces: Informer<Namespace>;
  let accounts: Informer<ServiceAccount>;
  return {
    name: 'serviceaccount-controller',
    setup(ctx) {
      namespaces = ctx.informers.informer<Namespace>(R.namespaces);
      accounts = ctx.informers.informer<ServiceAccount>(R.serviceAccounts);
      namespaces.on({ add: (ns) => ctx.enqueue(ns.metadata.name), update: (_o, ns) => ctx.enqueue(ns.metadata.name) });
      accounts.on({ delete: (sa) => sa.metadata.name === 'default' && ctx.enqueue(sa.metadata.namespace!) });
    },
    reconcile(name, ctx) {
      const ns = namespaces.get(undefined, name);
      if (!ns || ns.status?.phase !== 'Active') return;
      if (accounts.get(name, 'default')) return;
      try {
        ctx.client.create(R.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
      } catch (e) {
        if (isStatusError(e, 'AlreadyExists') || isStatusError(e, 'Forbidden') || isStatusError(e, 'NotFound')) return;
        throw e;
      }
    },
  };
}
