import { describe, it, expect } from 'vitest';
import { R } from '../../src/engine/index.ts';
import { kubectlOn, webDeployment } from './cluster-helpers.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

describe('kubectl apply', () => {
  it('creates, leaves unchanged and configures, recording the last applied manifest', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment() });
    expect(k.run('kubectl apply -f web.yaml')).toEqual({ exitCode: 0, stdout: 'deployment.apps/web created\n', stderr: '' });
    const created = k.cluster.client().get(R.deployments, 'default', 'web');
    expect(JSON.parse(created.metadata.annotations![LAST_APPLIED])).toMatchObject({ kind: 'Deployment', metadata: { name: 'web', namespace: 'default', annotations: {} } });
    expect(k.run('kubectl apply -f web.yaml').stdout).toBe('deployment.apps/web unchanged\n');
    k.files['web.yaml'] = webDeployment('nginx:1.27');
    expect(k.run('kubectl apply -f web.yaml').stdout).toBe('deployment.apps/web configured\n');
    const d = k.cluster.client().get(R.deployments, 'default', 'web') as any;
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.27');
  });

  it('removes what the previous manifest had and the new one lacks', () => {
    const k = kubectlOn(undefined, { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  labels: {team: a, tier: web}\ndata: {a: "1", b: "2"}\n' });
    k.run('kubectl apply -f cm.yaml');
    k.run('kubectl label configmap cfg owner=ops');
    k.files['cm.yaml'] = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  labels: {team: a}\ndata: {a: "1"}\n';
    expect(k.run('kubectl apply -f cm.yaml').stdout).toBe('configmap/cfg configured\n');
    const cm = k.cluster.client().get(R.configMaps, 'default', 'cfg') as any;
    expect(cm.data).toEqual({ a: '1' });
    expect(cm.metadata.labels).toEqual({ team: 'a', owner: 'ops' });
  });

  it('warns about a missing annotation and names dry runs', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment() });
    expect(k.run('kubectl create -f web.yaml').stdout).toBe('deployment.apps/web created\n');
    k.files['web.yaml'] = webDeployment('nginx:1.27');
    const r = k.run('kubectl apply -f web.yaml --dry-run=server');
    expect(r.stdout).toBe('deployment.apps/web configured (server dry run)\n');
    expect(r.stderr).toBe(
      'Warning: resource deployments/web is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n',
    );
    expect((k.cluster.client().get(R.deployments, 'default', 'web') as any).spec.template.spec.containers[0].image).toBe('nginx:1.25');
    expect(k.run('kubectl apply -f web.yaml --dry-run=client').stdout).toBe('deployment.apps/web configured (dry run)\n');
  });

  it('reports an invalid object, a missing file and a refused namespace', () => {
    const k = kubectlOn(undefined, { 'bad.yaml': webDeployment('nginx', -1), 'ns.yaml': webDeployment().replace('  name: web\n', '  name: web\n  namespace: shop\n') });
    expect(k.run('kubectl apply -f bad.yaml')).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n',
    });
    expect(k.run('kubectl apply -f nope.yaml')).toEqual({ exitCode: 1, stdout: '', stderr: 'error: the path "nope.yaml" does not exist\n' });
    expect(k.run('kubectl apply -f ns.yaml -n default').stderr).toBe(
      `error: the namespace from the provided object "shop" does not match the namespace "default". You must pass '--namespace=shop' to perform this operation.\n`,
    );
    expect(k.run('kubectl create -f ns.yaml').stderr).toBe('Error from server (NotFound): error when creating "ns.yaml": namespaces "shop" not found\n');
  });

  it('refuses to create what exists, naming the file', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment() });
    k.run('kubectl create -f web.yaml');
    expect(k.run('kubectl create -f web.yaml')).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'Error from server (AlreadyExists): error when creating "web.yaml": deployments.apps "web" already exists\n',
    });
  });
});

describe('kubectl get against a cluster', () => {
  it('says when nothing is found, and where', () => {
    const k = kubectlOn();
    expect(k.run('kubectl get pods')).toEqual({ exitCode: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
    expect(k.run('kubectl get deploy -n shop').stderr).toBe('No resources found in shop namespace.\n');
    expect(k.run('kubectl get pods -A').stderr).toBe('No resources found\n');
  });

  it('reports a missing object, or ignores it when asked', () => {
    const k = kubectlOn();
    expect(k.run('kubectl get deployment nope')).toEqual({ exitCode: 1, stdout: '', stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n' });
    expect(k.run('kubectl get deployment nope --ignore-not-found')).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(k.run('kubectl get foos')).toEqual({ exitCode: 1, stdout: '', stderr: 'error: the server doesn\'t have a resource type "foos"\n' });
    expect(k.run('kubectl get pods --bogus').stderr).toBe("error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n");
    expect(k.run('kubectl get').stderr).toBe(
      'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee \'kubectl get -h\' for help and examples\n',
    );
  });

  it('lists several kinds with kind prefixes and prints names, jsonpath and yaml', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment('nginx:1.25', 2) });
    k.run('kubectl apply -f web.yaml');
    k.run('kubectl create service clusterip web --tcp=80:80');
    const both = k.run('kubectl get deployments,services');
    expect(both.stdout).toMatch(/^NAME {18}READY   UP-TO-DATE   AVAILABLE   AGE\ndeployment\.apps\/web   2\/2     2            2           0s\n\nNAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE\n(.*\n)*service\/web +ClusterIP +\S+ +<none> +80\/TCP +0s\n$/);
    expect(k.run('kubectl get deploy -o name').stdout).toBe('deployment.apps/web\n');
    expect(k.run('kubectl get deploy web -o jsonpath={.spec.replicas}').stdout).toBe('2');
    const names = k.run(`kubectl get pods -l app=web -o jsonpath='{range .items[*]}{.status.phase}{"\\n"}{end}'`).stdout;
    expect(names).toBe('Running\nRunning\n');
    const yaml = k.run('kubectl get deployment web -o yaml').stdout;
    expect(yaml.startsWith('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  annotations:\n')).toBe(true);
    expect(yaml).toContain('  name: web\n  namespace: default\n');
    expect(k.run('kubectl get nodes --no-headers -o custom-columns=NAME:.metadata.name').stdout).toBe('node-1\nnode-2\nnode-3\n');
  });
});
