import { describe, it, expect } from 'vitest';
import { R } from '../../src/engine/index.ts';
import { kubectlOn, webDeployment } from './cluster-helpers.ts';

// The server listens 10 s after it starts, and a readiness probe (every 10 s) tells the kubelet when.
const slowWeb = (image = 'nginx:1.25', replicas = 3) =>
  webDeployment(image, replicas, '        readinessProbe:\n          tcpSocket:\n            port: 80\n').replace('      labels:\n        app: web\n    spec:', '      labels:\n        app: web\n      annotations:\n        kubecuke.io/ready-after: 10s\n    spec:');

const deployment = (k: ReturnType<typeof kubectlOn>) => k.cluster.client().get(R.deployments, 'default', 'web') as any;

describe('kubectl scale', () => {
  it('scales and checks preconditions', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment() });
    k.run('kubectl apply -f web.yaml');
    expect(k.run('kubectl scale deployment web --replicas=5')).toEqual({ exitCode: 0, stdout: 'deployment.apps/web scaled\n', stderr: '' });
    expect(deployment(k).spec.replicas).toBe(5);
    expect(k.run('kubectl scale deploy/web --replicas=2 --current-replicas=3')).toEqual({ exitCode: 1, stdout: '', stderr: 'error: Expected replicas to be 3, was 5\n' });
    expect(k.run('kubectl scale deploy/web')).toEqual({ exitCode: 1, stdout: '', stderr: 'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n' });
    expect(k.run('kubectl scale deploy/nope --replicas=1').stderr).toBe('error: no objects passed to scale deployments.apps "nope" not found\n');
    expect(k.run('kubectl scale deploy/web --replicas=x').stderr).toBe(
      'error: invalid argument "x" for "--replicas" flag: strconv.ParseInt: parsing "x": invalid syntax\nSee \'kubectl scale --help\' for usage.\n',
    );
  });

  it('waits for the new size with --timeout', () => {
    const k = kubectlOn(undefined, { 'web.yaml': slowWeb() });
    k.run('kubectl apply -f web.yaml');
    const start = k.cluster.clock.now();
    expect(k.run('kubectl scale deployment web --replicas=4 --timeout=1m').stdout).toBe('deployment.apps/web scaled\n');
    expect(deployment(k).status.replicas).toBe(4);
    expect(k.cluster.clock.now()).toBeGreaterThanOrEqual(start);
  });
});

describe('kubectl set image', () => {
  it('updates the image once and says nothing when it already matches', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment() });
    k.run('kubectl apply -f web.yaml');
    expect(k.run('kubectl set image deployment/web web=nginx:1.27').stdout).toBe('deployment.apps/web image updated\n');
    expect(deployment(k).spec.template.spec.containers[0].image).toBe('nginx:1.27');
    expect(k.run('kubectl set image deployment/web web=nginx:1.27')).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(k.run('kubectl set image deployment/web *=nginx:1.28').stdout).toBe('deployment.apps/web image updated\n');
  });

  it('names a container that does not exist and other misuse', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment() });
    k.run('kubectl apply -f web.yaml');
    expect(k.run('kubectl set image deployment/web nope=nginx')).toEqual({ exitCode: 1, stdout: '', stderr: 'error: deployments/web unable to find container named "nope"\n' });
    expect(k.run('kubectl set image deployment/web').stderr).toBe('error: at least one image update is required\n');
    expect(k.run('kubectl set image web=nginx').stderr).toBe('error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n');
  });
});

describe('kubectl rollout', () => {
  it('reports progress on simulated time until the rollout completes', () => {
    const k = kubectlOn(undefined, { 'web.yaml': slowWeb() });
    k.run('kubectl apply -f web.yaml');
    const start = k.cluster.clock.now();
    const first = k.run('kubectl rollout status deployment/web');
    expect(first.stdout).toBe('Waiting for deployment "web" rollout to finish: 0 of 3 updated replicas are available...\ndeployment "web" successfully rolled out\n');
    expect(k.cluster.clock.now() - start).toBe(10_000);
    k.run('kubectl set image deployment/web web=nginx:1.27');
    const second = k.run('kubectl rollout status deploy/web --timeout=5m');
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain('Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n');
    expect(second.stdout.endsWith('deployment "web" successfully rolled out\n')).toBe(true);
  });

  it('times out with kubectl\'s message', () => {
    const k = kubectlOn(undefined, { 'web.yaml': slowWeb() });
    k.run('kubectl apply -f web.yaml');
    expect(k.run('kubectl rollout status deployment/web --timeout=5s')).toEqual({
      exitCode: 1,
      stdout: 'Waiting for deployment "web" rollout to finish: 0 of 3 updated replicas are available...\n',
      stderr: 'error: timed out waiting for the condition\n',
    });
    expect(k.run('kubectl rollout status pod/nope').stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
  });

  it('lists history, undoes to the previous or a given revision', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment() });
    k.run('kubectl apply -f web.yaml');
    k.run('kubectl set image deployment/web web=nginx:1.26');
    k.run('kubectl set image deployment/web web=nginx:1.27');
    expect(k.run('kubectl rollout history deployment/web').stdout).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n3         <none>\n\n');
    expect(k.run('kubectl rollout history deployment/web --revision=2').stdout).toContain('deployment.apps/web with revision #2\nPod Template:\n');
    expect(k.run('kubectl rollout history deployment/web --revision=9').stderr).toBe('error: unable to find the specified revision\n');
    expect(k.run('kubectl rollout undo deployment/web').stdout).toBe('deployment.apps/web rolled back\n');
    expect(deployment(k).spec.template.spec.containers[0].image).toBe('nginx:1.26');
    expect(k.run('kubectl rollout undo deployment/web --to-revision=1').stdout).toBe('deployment.apps/web rolled back\n');
    expect(deployment(k).spec.template.spec.containers[0].image).toBe('nginx:1.25');
    // Rolling back to a revision makes it the newest one: 2 became 4, then 1 became 5.
    expect(k.run('kubectl rollout history deployment/web').stdout).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n3         <none>\n4         <none>\n5         <none>\n\n');
    expect(k.run('kubectl rollout undo deployment/web --to-revision=5').stdout).toBe('deployment.apps/web skipped rollback (current template already matches revision 5)\n');
    expect(k.run('kubectl rollout undo deployment/web --to-revision=42').stderr).toBe('error: unable to find specified revision 42 in history\n');
    expect(k.run('kubectl rollout undo configmap/x').stderr).toBe('Error from server (NotFound): configmaps "x" not found\n');
  });

  it('pauses, resumes and restarts', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment() });
    k.run('kubectl apply -f web.yaml');
    expect(k.run('kubectl rollout undo deployment/web').stderr).toBe('error: no rollout history found for deployment "web"\n');
    k.run('kubectl set image deployment/web web=nginx:1.27');
    expect(k.run('kubectl rollout pause deployment/web').stdout).toBe('deployment.apps/web paused\n');
    expect(k.run('kubectl rollout pause deployment/web').stderr).toBe('error: deployments.apps "web" is already paused\n');
    expect(k.run('kubectl rollout restart deployment/web').stderr).toBe("error: deployments.apps \"web\" can't restart paused deployment (run rollout resume first)\n");
    expect(k.run('kubectl rollout undo deployment/web').stderr).toBe("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again\n");
    expect(k.run('kubectl rollout resume deployment/web').stdout).toBe('deployment.apps/web resumed\n');
    expect(k.run('kubectl rollout resume deployment/web').stderr).toBe('error: deployments.apps "web" is not paused\n');
    expect(k.run('kubectl rollout restart deployment/web').stdout).toBe('deployment.apps/web restarted\n');
    expect(deployment(k).spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBe('2025-01-01T00:00:00Z');
  });
});

describe('kubectl delete', () => {
  it('deletes, waits for the object to go and reports what is missing', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment() });
    k.run('kubectl apply -f web.yaml');
    expect(k.run('kubectl delete deployment web')).toEqual({ exitCode: 0, stdout: 'deployment.apps "web" deleted\n', stderr: '' });
    expect(k.run('kubectl get deployment web').exitCode).toBe(1);
    expect(k.run('kubectl delete deployment web')).toEqual({ exitCode: 1, stdout: '', stderr: 'Error from server (NotFound): deployments.apps "web" not found\n' });
    expect(k.run('kubectl delete deployment web --ignore-not-found')).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(k.run('kubectl delete pods --all').stdout).toBe('No resources found\n');
    expect(k.run('kubectl delete pods').stderr).toBe('error: resource(s) were provided, but no name was specified\n');
  });

  it('force-deletes pods with a warning and deletes by selector', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment('nginx', 2) });
    k.run('kubectl apply -f web.yaml');
    const pods = k.cluster.client().list(R.pods, { namespace: 'default' }).items.map((p) => p.metadata.name);
    const r = k.run(`kubectl delete pod ${pods[0]} --force --grace-period=0`);
    expect(r.stdout).toBe(`pod "${pods[0]}" force deleted\n`);
    expect(r.stderr).toBe('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n');
    expect(k.run('kubectl delete pod x --force --grace-period=5').stderr).toBe('error: --force and --grace-period greater than 0 cannot be specified together\n');
    expect(k.run('kubectl delete deploy -l app=web -o name').stdout).toBe('deployment.apps/web\n');
  });
});

describe('kubectl patch, label and annotate', () => {
  it('patches and says when nothing changed', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment() });
    k.run('kubectl apply -f web.yaml');
    expect(k.run(`kubectl patch deployment web -p '{"spec":{"replicas":4}}'`).stdout).toBe('deployment.apps/web patched\n');
    expect(deployment(k).spec.replicas).toBe(4);
    expect(k.run(`kubectl patch deployment web --type merge -p 'spec: {replicas: 4}'`).stdout).toBe('deployment.apps/web patched (no change)\n');
    expect(k.run(`kubectl patch deployment web --type=json -p '[{"op":"replace","path":"/spec/replicas","value":2}]'`).stdout).toBe('deployment.apps/web patched\n');
    expect(k.run(`kubectl patch deployment web --type=bogus -p '{}'`).stderr).toBe('error: --type must be one of [json merge strategic], not "bogus"\n');
    expect(k.run(`kubectl patch deployment web --type=json -p '[{"op":"remove","path":"/nope"}]'`).stderr).toBe(
      'The request is invalid: the server rejected our request due to an error in our request\n',
    );
  });

  it('labels with kubectl\'s overwrite rules and messages', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment() });
    k.run('kubectl apply -f web.yaml');
    expect(k.run('kubectl label deployment web tier=frontend').stdout).toBe('deployment.apps/web labeled\n');
    expect(k.run('kubectl label deployment web tier=backend')).toEqual({ exitCode: 1, stdout: '', stderr: "error: 'tier' already has a value (frontend), and --overwrite is false\n" });
    expect(k.run('kubectl label deployment web tier=backend --overwrite').stdout).toBe('deployment.apps/web labeled\n');
    expect(k.run('kubectl label deployment web tier-').stdout).toBe('deployment.apps/web unlabeled\n');
    expect(k.run('kubectl label deployment web tier-').stdout).toBe('label "tier" not found.\ndeployment.apps/web not labeled\n');
    expect(deployment(k).metadata.labels).toEqual({ app: 'web' });
    expect(k.run('kubectl label deployment web a=b=c').stderr).toBe('error: invalid label spec: a=b=c\n');
    expect(k.run('kubectl label deployment web').stderr).toBe('error: at least one label update is required\n');
  });

  it('annotates', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment() });
    k.run('kubectl apply -f web.yaml');
    expect(k.run('kubectl annotate deployment web note=hello').stdout).toBe('deployment.apps/web annotated\n');
    expect(k.run('kubectl annotate deployment web note=bye').stderr).toBe("error: --overwrite is false but found the following declared annotation(s): 'note' already has a value (hello)\n");
    expect(k.run('kubectl annotate deployment web note-').stdout).toBe('deployment.apps/web annotated\n');
    expect(deployment(k).metadata.annotations.note).toBeUndefined();
  });
});

describe('kubectl describe and logs against a cluster', () => {
  it('describes a deployment with its replica sets and events', () => {
    const k = kubectlOn(undefined, { 'web.yaml': webDeployment() });
    k.run('kubectl apply -f web.yaml');
    const out = k.run('kubectl describe deployment web').stdout;
    expect(out).toMatch(/^Name:                   web\nNamespace:              default\nCreationTimestamp:      Wed, 01 Jan 2025 00:00:00 \+0000\n/);
    expect(out).toContain('Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable\n');
    expect(out).toMatch(/NewReplicaSet:   web-\w+ \(3\/3 replicas created\)\n/);
    expect(out).toMatch(/  Normal  ScalingReplicaSet  0s    deployment-controller  Scaled up replica set web-\w+ from 0 to 3\n$/);
    const pods = k.cluster.client().list(R.pods, { namespace: 'default' }).items.map((p) => p.metadata.name);
    expect(k.run(`kubectl describe pod ${pods[0]}`).stdout).toMatch(/\nStatus:\s+Running\n/);
    expect(k.run('kubectl describe pod web').stdout.match(/^Name:/gm)?.length).toBe(3);
    expect(k.run('kubectl describe pod nope').stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
  });

  it('reads container logs and refuses unknown containers', () => {
    const k = kubectlOn(undefined, {
      'hello.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: hello}\nspec:\n  restartPolicy: Never\n  containers:\n  - name: main\n    image: busybox\n    command: ["sh", "-c", "echo hello; echo world"]\n',
    });
    k.run('kubectl apply -f hello.yaml');
    k.cluster.advance(5000);
    expect(k.run('kubectl logs hello')).toEqual({ exitCode: 0, stdout: 'hello\nworld\n', stderr: '' });
    expect(k.run('kubectl logs hello --tail=1').stdout).toBe('world\n');
    expect(k.run('kubectl logs hello -c nope').stderr).toBe('error: container nope is not valid for pod hello\n');
    expect(k.run('kubectl logs hello --previous').stderr).toBe('Error from server (BadRequest): previous terminated container "main" in pod "hello" not found\n');
    expect(k.run('kubectl logs nope').stderr).toBe('error: error from server (NotFound): pods "nope" not found in namespace "default"\n');
  });
});
