/**
 * A kubectl bound to a real simulated cluster, for tests of the verbs:
 * manifests from an in-memory map, waiting on simulated time in one-second
 * steps, logs from the cluster's kubelets.
 */
import { createCluster, type Cluster } from '../../src/engine/index.ts';
import { runKubectl, type KubectlContext, type KubectlResult } from '../../src/kubectl/index.ts';

export interface TestKubectl {
  cluster: Cluster;
  ctx: KubectlContext;
  files: Record<string, string>;
  /** Runs a command line, then lets the cluster settle at the current instant. */
  run(cmd: string | string[]): KubectlResult;
}

export function kubectlOn(cluster: Cluster = createCluster({ seed: 1, nodes: 3 }), files: Record<string, string> = {}): TestKubectl {
  const ctx: KubectlContext = {
    namespace: 'default',
    now: () => cluster.clock.now(),
    readFile: (p) => {
      if (!(p in files)) throw Object.assign(new Error(`open ${p}: no such file or directory`), { code: 'ENOENT' });
      return files[p];
    },
    waitFor: (pred, timeoutMs) => {
      cluster.settle();
      if (pred()) return true;
      const end = cluster.clock.now() + Math.min(timeoutMs, 3_600_000);
      while (cluster.clock.now() < end) {
        cluster.advance(Math.min(1000, end - cluster.clock.now()));
        if (pred()) return true;
      }
      return false;
    },
    logs: {
      containerLog: (req) => cluster.logs(req.namespace, req.pod, req.container, req.previous)?.lines ?? [],
    },
  };
  return {
    cluster,
    ctx,
    files,
    run(cmd) {
      const r = runKubectl(cluster.client(), cmd, ctx);
      cluster.settle();
      return r;
    },
  };
}

export const webDeployment = (image = 'nginx:1.25', replicas = 3, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: ${image}
        ports:
        - containerPort: 80
${extra}`;
