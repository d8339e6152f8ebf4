/**
 * A control plane without scheduler or kubelets: an API server and a
 * controller manager running only the controllers a test names, each
 * through a Client the test may wrap (to inject failures). Objects stay
 * where controllers leave them, which is what unit tests of one controller
 * want.
 */
import { Clock, EPOCH_MS } from '../../../src/engine/clock/clock.ts';
import { Random } from '../../../src/engine/clock/random.ts';
import { Store } from '../../../src/engine/store/store.ts';
import { ApiServer } from '../../../src/engine/apiserver/apiserver.ts';
import { defaultAdmissionChain } from '../../../src/engine/apiserver/admission/index.ts';
import type { Client } from '../../../src/engine/client/client.ts';
import { EventSequence } from '../../../src/engine/client/events.ts';
import { ControllerManager, type Controller, type ControllerConfig, type ReconcileError } from '../../../src/engine/controllers/manager.ts';
import { R } from '../../../src/engine/api/kinds.ts';
import type { AuditEntry } from '../../../src/engine/apiserver/apiserver.ts';

export interface MiniCluster {
  clock: Clock;
  /** A client acting as the test (cluster admin). */
  client: Client;
  audit: AuditEntry[];
  errors: ReconcileError[];
  settle(): void;
  advance(ms: number): void;
}

export function miniCluster(
  controllers: Controller[],
  o: { wrap?: (name: string, c: Client) => Client; config?: Partial<ControllerConfig>; namespaces?: string[] } = {},
): MiniCluster {
  const clock = new Clock({ start: EPOCH_MS });
  const random = new Random(1);
  const audit: AuditEntry[] = [];
  const errors: ReconcileError[] = [];
  const apiserver = new ApiServer(
    new Store(),
    { now: () => clock.now(), iso: (ms) => clock.iso(ms), random, defer: (label, fn) => clock.schedule(0, label, fn) },
    { admission: defaultAdmissionChain(), audit: (e) => audit.push(e) },
  );
  const admin = apiserver.client({ user: 'kubernetes-admin', component: 'kubectl' });
  for (const ns of ['default', 'kube-system', 'kube-node-lease', ...(o.namespaces ?? [])]) {
    admin.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    admin.create(R.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });
  }
  const manager = new ControllerManager(
    {
      clock,
      random,
      clientFor: (name) => {
        const c = apiserver.client({ user: `system:serviceaccount:kube-system:${name}`, component: name });
        return o.wrap ? o.wrap(name, c) : c;
      },
      config: o.config,
      events: new EventSequence(),
      onError: (e) => errors.push(e),
    },
    controllers,
  );
  manager.start();
  clock.settle();
  return { clock, client: admin, audit, errors, settle: () => clock.settle(), advance: (ms) => clock.advance(ms) };
}

/** A Client whose calls go to `c` except those `override` handles. */
export function wrapClient(c: Client, override: Partial<Client>): Client {
  return new Proxy(c, {
    get(target, prop, receiver) {
      if (prop in override) return (override as Record<string | symbol, unknown>)[prop];
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
