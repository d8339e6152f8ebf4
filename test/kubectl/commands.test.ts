import { describe, it, expect } from 'vitest';
import { R } from '../../src/engine/index.ts';
import { kubectlOn, webDeployment } from './cluster-helpers.ts';

describe('command line handling', () => {
  it('suggests a command for a typo and lists subcommands', () => {
    const k = kubectlOn();
    expect(k.run('kubectl gte pods')).toEqual({ exitCode: 1, stdout: '', stderr: 'error: unknown command "gte" for "kubectl"\n\nDid you mean this?\n\tget\n' });
    expect(k.run('kubectl frobnicate')).toEqual({ exitCode: 1, stdout: '', stderr: 'error: unknown command "frobnicate" for "kubectl"\n' });
    const rollout = k.run('kubectl rollout');
    expect(rollout.exitCode).toBe(0);
    expect(rollout.stdout).toContain('  status\n');
    expect(k.run(['get', 'pods', '-n', 'kube-system']).stderr).toBe('No resources found in kube-system namespace.\n');
    expect(k.run('kubectl -n kube-system get pods').stderr).toBe('No resources found in kube-system namespace.\n');
  });

  it('prints versions', () => {
    const k = kubectlOn();
    expect(k.run('kubectl version').stdout).toBe('Client Version: v1.33.0\nKustomize Version: v5.6.0\nServer Version: v1.33.1\n');
    expect(k.run('kubectl version --client').stdout).toBe('Client Version: v1.33.0\nKustomize Version: v5.6.0\n');
  });

  it('creates objects from flags as kubectl generators do', () => {
    const k = kubectlOn();
    expect(k.run('kubectl create namespace shop').stdout).toBe('namespace/shop created\n');
    expect(k.run('kubectl create deployment api --image=registry.example.com/team/api:2.1 --replicas=2 --port=8080 -n shop').stdout).toBe('deployment.apps/api created\n');
    const d = k.cluster.client().get(R.deployments, 'shop', 'api') as any;
    expect(d.metadata.labels).toEqual({ app: 'api' });
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.containers[0]).toMatchObject({ name: 'api', image: 'registry.example.com/team/api:2.1', ports: [{ containerPort: 8080 }] });
    expect(k.run('kubectl create configmap cfg --from-literal=a=1 --from-literal=b=2').stdout).toBe('configmap/cfg created\n');
    expect((k.cluster.client().get(R.configMaps, 'default', 'cfg') as any).data).toEqual({ a: '1', b: '2' });
    expect(k.run('kubectl create secret generic pw --from-literal=password=s3cret').stdout).toBe('secret/pw created\n');
    expect((k.cluster.client().get(R.secrets, 'default', 'pw') as any).data).toEqual({ password: 'czNjcmV0' });
    expect(k.run('kubectl create deployment nope').stderr).toBe("error: --image is required\nSee 'kubectl create deployment -h' for help and examples\n");
    expect(k.run('kubectl create namespace shop').stderr).toBe('Error from server (AlreadyExists): namespaces "shop" already exists\n');
  });

  it('gets everything of the all category with kind prefixes', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment('nginx', 1) });
    k.run('kubectl apply -f web.yaml');
    const out = k.run('kubectl get all').stdout;
    expect(out).toMatch(/^NAME +READY   STATUS    RESTARTS   AGE\npod\/web-\w+-\w+   1\/1     Running   0          0s\n\n/);
    expect(out).toContain('\nNAME                  READY   UP-TO-DATE   AVAILABLE   AGE\ndeployment.apps/web   1/1     1            1           0s\n\n');
    expect(out).toMatch(/\nNAME +DESIRED   CURRENT   READY   AGE\nreplicaset\.apps\/web-\w+   1         1         1       0s\n$/);
  });

  it('never throws, whatever the command line', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment() });
    const lines = [
      '',
      'kubectl',
      'kubectl get pods -o',
      'kubectl get pods -o jsonpath={.items[',
      "kubectl get pods 'unterminated",
      'kubectl apply',
      'kubectl apply -f',
      'kubectl delete',
      'kubectl scale --replicas=-3 deploy/web',
      'kubectl label nodes',
      'kubectl taint nodes node-1 =:NoSchedule',
      'kubectl drain node-1 node-2',
      'kubectl rollout undo',
      'kubectl logs',
      'kubectl describe',
      'kubectl get pods -l "a in (b"',
      'kubectl get deploy/web/extra',
      'kubectl get deploy/ web',
      'kubectl get pods --sort-by=.metadata.name -A -o wide --show-labels',
      'kubectl patch deploy web -p "{"',
      'kubectl set image deploy/web a=b *=c',
      'kubectl create service clusterip x --tcp=abc',
      'kubectl get pods -o custom-columns=A',
      'kubectl delete pods --all --selector=a=b',
    ];
    for (const line of lines) {
      const r = k.run(line);
      expect([0, 1]).toContain(r.exitCode);
      if (r.exitCode === 1) expect(r.stderr).toMatch(/\n$/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('client dry runs of generators', () => {
  it('print the object as kubectl would send it', () => {
    const k = kubectlOn();
    expect(k.run('kubectl create deployment web --image=nginx --dry-run=client -o yaml').stdout).toBe(
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  creationTimestamp: null',
        '  labels:',
        '    app: web',
        '  name: web',
        'spec:',
        '  replicas: 1',
        '  selector:',
        '    matchLabels:',
        '      app: web',
        '  strategy: {}',
        '  template:',
        '    metadata:',
        '      creationTimestamp: null',
        '      labels:',
        '        app: web',
        '    spec:',
        '      containers:',
        '      - image: nginx',
        '        name: nginx',
        '        resources: {}',
        'status: {}',
        '',
      ].join('\n'),
    );
    expect(k.run('kubectl get deployments').stderr).toBe('No resources found in default namespace.\n');
  });
});
