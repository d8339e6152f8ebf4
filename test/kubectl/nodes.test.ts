import { describe, it, expect } from 'vitest';
import { R, StatusError, type Client, type DeleteOptions, type Pod } from '../../src/engine/index.ts';
import { runKubectl } from '../../src/kubectl/index.ts';
import { kubectlOn, webDeployment } from './cluster-helpers.ts';

const node = (k: ReturnType<typeof kubectlOn>, name: string) => k.cluster.client().get(R.nodes, undefined, name) as any;

describe('kubectl cordon and uncordon', () => {
  it('marks nodes unschedulable and back, saying when nothing changes', () => {
    const k = kubectlOn();
    expect(k.run('kubectl cordon node-1')).toEqual({ exitCode: 0, stdout: 'node/node-1 cordoned\n', stderr: '' });
    expect(k.run('kubectl cordon node-1').stdout).toBe('node/node-1 already cordoned\n');
    expect(node(k, 'node-1').spec.unschedulable).toBe(true);
    expect(k.run('kubectl get nodes').stdout).toContain('\nnode-1   Ready,SchedulingDisabled   <none>   ');
    expect(k.run('kubectl uncordon node-1').stdout).toBe('node/node-1 uncordoned\n');
    expect(k.run('kubectl uncordon node-1').stdout).toBe('node/node-1 already uncordoned\n');
    expect(node(k, 'node-1').spec.unschedulable).toBeUndefined();
    expect(k.run('kubectl cordon node-9')).toEqual({ exitCode: 1, stdout: '', stderr: 'Error from server (NotFound): nodes "node-9" not found\n' });
    expect(k.run('kubectl cordon').stderr).toBe("error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples\n");
    expect(k.run('kubectl cordon -l kubernetes.io/hostname=node-2').stdout).toBe('node/node-2 cordoned\n');
  });
});

describe('kubectl taint', () => {
  it('adds, refuses duplicates without --overwrite, modifies and removes taints', () => {
    const k = kubectlOn();
    expect(k.run('kubectl taint nodes node-1 dedicated=gpu:NoSchedule').stdout).toBe('node/node-1 tainted\n');
    expect(node(k, 'node-1').spec.taints).toEqual([{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
    expect(k.run('kubectl taint nodes node-1 dedicated=cpu:NoSchedule')).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'error: node node-1 already has dedicated taint(s) with same effect(s) and --overwrite is false\n',
    });
    expect(k.run('kubectl taint nodes node-1 dedicated=cpu:NoSchedule --overwrite').stdout).toBe('node/node-1 modified\n');
    expect(k.run('kubectl taint node node-1 dedicated:NoSchedule-').stdout).toBe('node/node-1 untainted\n');
    expect(node(k, 'node-1').spec.taints).toBeUndefined();
    expect(k.run('kubectl taint nodes node-1 dedicated-').stderr).toBe('error: taint "dedicated" not found\n');
  });

  it('validates taint specs and the resource type', () => {
    const k = kubectlOn();
    expect(k.run('kubectl taint nodes node-1 a=b:Sometimes').stderr).toBe("error: invalid taint effect: Sometimes, unsupported taint effect\nSee 'kubectl taint -h' for help and examples\n");
    expect(k.run('kubectl taint nodes node-1 justakey').stderr).toBe('error: at least one taint update is required\n');
    expect(k.run('kubectl taint nodes node-1 a=b').stderr).toBe(
      "error: invalid taint spec: a=b, name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\nSee 'kubectl taint -h' for help and examples\n",
    );
    expect(k.run('kubectl taint nodes node-1 a=b:NoSchedule a=c:NoSchedule').stderr).toBe("error: duplicated taints with the same key and effect: {a c NoSchedule <nil>}\nSee 'kubectl taint -h' for help and examples\n");
    expect(k.run('kubectl taint pods x a=b:NoSchedule').stderr).toBe('error: invalid resource type pods, only node types are supported\n');
    expect(k.run('kubectl taint nodes node-1 a:NoSchedule a:NoSchedule-').stderr).toBe('error: can not both modify and remove the following taint(s) in the same command: a=NoSchedule\n');
  });
});

describe('kubectl drain', () => {
  it('cordons, evicts the pods, waits for them to go and reports the node drained', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment('nginx', 3) });
    k.run('kubectl apply -f web.yaml');
    const onNode = () => k.cluster.client().list(R.pods, { fieldSelector: 'spec.nodeName=node-2' }).items.map((p) => p.metadata.name);
    const victims = onNode();
    expect(victims.length).toBeGreaterThan(0);
    const r = k.run('kubectl drain node-2');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      `node/node-2 cordoned\n${victims.map((p) => `evicting pod default/${p}\n`).join('')}${victims.map((p) => `pod/${p} evicted\n`).join('')}node/node-2 drained\n`,
    );
    expect(onNode()).toEqual([]);
    expect(node(k, 'node-2').spec.unschedulable).toBe(true);
  });

  it('stops at pods without a controller unless forced', () => {
    const k = kubectlOn(undefined, { 'solo.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: solo}\nspec:\n  nodeName: node-1\n  containers: [{name: c, image: nginx}]\n' });
    k.run('kubectl apply -f solo.yaml');
    expect(k.run('kubectl drain node-1')).toEqual({
      exitCode: 1,
      stdout: 'node/node-1 cordoned\n',
      stderr:
        'error: unable to drain node "node-1" due to error: cannot delete cannot delete Pods that declare no controller (use --force to override): default/solo, continuing command...\n' +
        'There are pending nodes to be drained:\n node-1\n' +
        'error: cannot delete cannot delete Pods that declare no controller (use --force to override): default/solo\n',
    });
    const forced = k.run('kubectl drain node-1 --force');
    expect(forced.stderr).toBe('Warning: deleting Pods that declare no controller: default/solo\n');
    expect(forced.stdout).toBe('node/node-1 already cordoned\nevicting pod default/solo\npod/solo evicted\nnode/node-1 drained\n');
  });

  it('refuses DaemonSet pods unless ignored and prints a dry run', () => {
    const k = kubectlOn(undefined, {
      'ds.yaml': 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec: {containers: [{name: a, image: busybox}]}\n',
    });
    k.run('kubectl apply -f ds.yaml');
    // The DaemonSet controller runs one pod on every node.
    const pod = k.cluster.client().list<Pod>(R.pods, { namespace: 'default' }).items.find((p) => p.spec.nodeName === 'node-3' && p.metadata.name.startsWith('agent-'));
    expect(pod).toBeDefined();
    const name = `default/${pod!.metadata.name}`;
    expect(k.run('kubectl drain node-3 --dry-run=client').stderr).toContain(`cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${name}`);
    const r = k.run('kubectl drain node-3 --ignore-daemonsets --dry-run=client');
    expect(r).toEqual({ exitCode: 0, stdout: 'node/node-3 cordoned (dry run)\nnode/node-3 drained (dry run)\n', stderr: `Warning: ignoring DaemonSet-managed Pods: ${name}\n` });
    expect(node(k, 'node-3').spec.unschedulable).toBeUndefined();
  });
});

describe('kubectl drain and disruption budgets', () => {
  const budget = "Cannot evict pod as it would violate the pod's disruption budget.";

  /** The cluster's own client, whose first `refusals` evictions are refused with 429 as a disruption budget refuses them. */
  function refusingClient(k: ReturnType<typeof kubectlOn>, refusals: number): Client {
    const real = k.cluster.client();
    let left = refusals;
    return new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'evict')
          return (ns: string, name: string, opts?: DeleteOptions) => {
            if (left-- > 0) throw new StatusError({ reason: 'TooManyRequests', code: 429, message: budget });
            return target.evict(ns, name, opts);
          };
        return Reflect.get(target, prop, receiver);
      },
    });
  }

  it('retries a refused eviction every 5 seconds of simulated time', () => {
    const k = kubectlOn(undefined, { 'solo.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: solo}\nspec:\n  nodeName: node-1\n  containers: [{name: c, image: nginx}]\n' });
    k.run('kubectl apply -f solo.yaml');
    const start = k.cluster.clock.now();
    const r = runKubectl(refusingClient(k, 2), 'kubectl drain node-1 --force', k.ctx);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('node/node-1 cordoned\nevicting pod default/solo\nevicting pod default/solo\nevicting pod default/solo\npod/solo evicted\nnode/node-1 drained\n');
    const retry = `error when evicting pods/"solo" -n "default" (will retry after 5s): ${budget}\n`;
    expect(r.stderr).toBe(`Warning: deleting Pods that declare no controller: default/solo\n${retry}${retry}`);
    expect(k.cluster.clock.now() - start).toBeGreaterThanOrEqual(10_000);
  });

  it('gives up at --timeout with the global timeout error', () => {
    const k = kubectlOn(undefined, { 'solo.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: solo}\nspec:\n  nodeName: node-1\n  containers: [{name: c, image: nginx}]\n' });
    k.run('kubectl apply -f solo.yaml');
    const r = runKubectl(refusingClient(k, 100), 'kubectl drain node-1 --force --timeout=7s', k.ctx);
    expect(r.exitCode).toBe(1);
    const fatal = 'error when evicting pods/"solo" -n "default": global timeout reached: 7s';
    expect(r.stderr.endsWith(`error: unable to drain node "node-1" due to error: ${fatal}, continuing command...\nThere are pending nodes to be drained:\n node-1\nerror: ${fatal}\n`)).toBe(true);
    expect(r.stderr).toContain(`There are pending pods in node "node-1" when an error occurred: ${fatal}\npod/solo\n`);
  });
});
