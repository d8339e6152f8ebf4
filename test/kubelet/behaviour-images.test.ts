import { describe, it, expect } from 'vitest';
import type { Container, Pod } from '../../src/engine/api/types.ts';
import { containerBehaviour, logsUntil, type BehaviourOptions, type ContainerBehaviour, type PodLike } from '../../src/engine/kubelet/behaviour.ts';
import { imageProfile, isDeclaredMissing, parseImageRef } from '../../src/engine/kubelet/behaviour/images.ts';

/** A pod named `web` in `default` whose first container is `app`. */
function pod(container: Partial<Container>, annotations?: Record<string, string>, more: Partial<PodLike['spec']> = {}): PodLike {
  return {
    metadata: { name: 'web', namespace: 'default', annotations },
    spec: { containers: [{ name: 'app', image: 'busybox', ...container }], ...more },
  };
}

function behave(container: Partial<Container>, annotations?: Record<string, string>, options?: BehaviourOptions): ContainerBehaviour {
  return containerBehaviour(pod(container, annotations), 'app', options);
}

/** The log text up to a moment, one string per line. */
function text(b: ContainerBehaviour, untilMs = Number.MAX_SAFE_INTEGER): string[] {
  return logsUntil(b, untilMs).map((l) => l.line);
}

describe('image references', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['docker.io/library/nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9'],
    ['bitnami/redis', 'docker.io/bitnami/redis:latest'],
    ['localhost:5000/app:v1', 'localhost:5000/app:v1'],
    ['nginx@sha256:abc', 'docker.io/library/nginx@sha256:abc'],
  ])('%s is %s', (image, canonical) => {
    expect(parseImageRef(image).canonical).toBe(canonical);
  });

  it.each([
    ['docker.io/library/nginx:1.27', 'nginx'],
    ['nginx@sha256:0123456789abcdef', 'nginx'],
    ['nginx:1.27-alpine', 'nginx'],
    ['registry.k8s.io/pause:3.9', 'pause'],
    ['k8s.gcr.io/pause:3.2', 'pause'],
    ['gcr.io/google_containers/pause-amd64:3.0', 'pause'],
    ['public.ecr.aws/docker/library/busybox:1.36', 'busybox'],
    ['mirror.gcr.io/library/postgres:16', 'postgres'],
  ])('%s is recognised as %s, whatever the registry, tag or digest', (image, name) => {
    expect(imageProfile(image)?.name).toBe(name);
  });

  it('knows -alpine variants have busybox for a shell', () => {
    expect(imageProfile('nginx:1.27')?.sh).toBe('dash');
    expect(imageProfile('nginx:1.27-alpine')?.sh).toBe('ash');
  });

  it.each([
    ['nginx:9.9', ['nginx:9.9'], true],
    ['docker.io/library/nginx:9.9', ['nginx:9.9'], true],
    ['nginx:1.27', ['nginx:9.9'], false],
    ['nginx:1.27', ['nginx'], true],
    ['myorg/nginx:9.9', ['nginx:9.9'], false],
  ] as const)('%s with %j declared missing: %s', (image, missing, expected) => {
    expect(isDeclaredMissing(image, new Set(missing))).toBe(expected);
  });
});

describe('containers without a command run the image default', () => {
  it.each([
    'nginx', 'docker.io/library/nginx:1.27', 'nginx@sha256:0123', 'httpd:2.4', 'redis:7', 'memcached', 'mongo:7',
    'rabbitmq:3-management', 'traefik:v3.0', 'haproxy:2.9', 'caddy:2', 'registry:2', 'registry.k8s.io/pause:3.9', 'k8s.gcr.io/pause:3.2',
  ])('the server image %s runs until stopped', (image) => {
    const b = behave({ image });
    expect(b.source).toBe('image');
    expect(b.exitAfterMs).toBeUndefined();
    expect(b.startError).toBeUndefined();
  });

  it.each([
    ['postgres:16', [{ name: 'POSTGRES_PASSWORD', value: 'secret' }]],
    ['postgres:16', [{ name: 'POSTGRES_HOST_AUTH_METHOD', value: 'trust' }]],
    ['postgres:16', [{ name: 'POSTGRES_PASSWORD_FILE', value: '/run/secrets/pw' }]],
    ['postgres:16', [{ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'pw' } } }]],
    ['mysql:8.4', [{ name: 'MYSQL_ROOT_PASSWORD', value: 'secret' }]],
    ['mysql:8.4', [{ name: 'MYSQL_ALLOW_EMPTY_PASSWORD', value: 'yes' }]],
    ['mysql:8.4', [{ name: 'MYSQL_RANDOM_ROOT_PASSWORD', value: '1' }]],
    ['mariadb:11', [{ name: 'MARIADB_ROOT_PASSWORD', value: 'secret' }]],
    ['mariadb:11', [{ name: 'MYSQL_ROOT_PASSWORD', value: 'secret' }]],
    ['mariadb:11', [{ name: 'MARIADB_ALLOW_EMPTY_ROOT_PASSWORD', value: '1' }]],
    ['mariadb:11', [{ name: 'MARIADB_RANDOM_ROOT_PASSWORD', value: '1' }]],
  ])('the database %s with %j runs until stopped', (image, env) => {
    const b = behave({ image, env });
    expect(b.exitAfterMs).toBeUndefined();
  });

  it('postgres without a password exits 1 at once with the entrypoint\'s message', () => {
    const b = behave({ image: 'postgres:16', env: [{ name: 'POSTGRES_HOST_AUTH_METHOD', value: 'md5' }] });
    expect([b.exitAfterMs, b.exitCode]).toEqual([0, 1]);
    expect(text(b)[0]).toBe('Error: Database is uninitialized and superuser password is not specified.');
    expect(text(b)).toContain('       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all');
    expect(b.logs.every((l) => l.stream === 'stderr')).toBe(true);
  });

  it('postgres with an empty password fails too', () => {
    expect(behave({ image: 'postgres', env: [{ name: 'POSTGRES_PASSWORD', value: '' }] }).exitCode).toBe(1);
  });

  it('postgres given its server as args still checks the password; given another program it runs that', () => {
    expect(behave({ image: 'postgres', args: ['postgres', '-c', 'max_connections=200'] }).exitCode).toBe(1);
    expect(behave({ image: 'postgres', args: ['-c', 'max_connections=200'] }).exitCode).toBe(1);
    const other = behave({ image: 'postgres', args: ['sleep', '5'] });
    expect([other.exitAfterMs, other.exitCode]).toEqual([5000, 0]);
  });

  it('mysql without a password exits 1 with its stamped entrypoint error', () => {
    const b = behave({ image: 'mysql:8.4' }, undefined, { startedAt: Date.UTC(2024, 0, 2, 3, 4, 5) });
    expect([b.exitAfterMs, b.exitCode]).toEqual([0, 1]);
    expect(text(b)).toEqual([
      '2024-01-02 03:04:05+00:00 [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified',
      '    You need to specify one of the following as an environment variable:',
      '    - MYSQL_ROOT_PASSWORD',
      '    - MYSQL_ALLOW_EMPTY_PASSWORD',
      '    - MYSQL_RANDOM_ROOT_PASSWORD',
    ]);
  });

  it('mariadb without a password exits 1 with its own message', () => {
    const b = behave({ image: 'mariadb:11.4' });
    expect(b.exitCode).toBe(1);
    expect(text(b)[0]).toMatch(/\[ERROR\] \[Entrypoint\]: Database is uninitialized and password option is not specified$/);
    expect(text(b)[1]).toBe('\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD');
  });

  it('gives a password from envFrom the benefit of the doubt unless the environment is resolved', () => {
    const envFrom = [{ secretRef: { name: 'db' } }];
    expect(behave({ image: 'postgres', envFrom }).exitAfterMs).toBeUndefined();
    expect(behave({ image: 'postgres', envFrom }, undefined, { env: { POSTGRES_USER: 'app' } }).exitCode).toBe(1);
    expect(behave({ image: 'postgres', envFrom }, undefined, { env: { POSTGRES_PASSWORD: 'x' } }).exitAfterMs).toBeUndefined();
  });

  it.each(['busybox', 'busybox:1.36', 'alpine:3.20', 'ubuntu:24.04', 'debian:bookworm', 'centos:7', 'fedora:40', 'bash:5', 'amazonlinux:2023', 'registry.k8s.io/busybox'])(
    'the shell image %s exits 0 at once (a shell with no terminal)',
    (image) => {
      const b = behave({ image });
      expect([b.exitAfterMs, b.exitCode]).toEqual([0, 0]);
    },
  );

  it.each(['python:3.12', 'node:20', 'ruby:3', 'golang:1.22'])('the interpreter image %s exits 0 at once without a command', (image) => {
    expect(behave({ image }).exitAfterMs).toBe(0);
  });

  it('a shell image with stdin kept open waits on it', () => {
    expect(behave({ image: 'busybox', stdin: true }).exitAfterMs).toBeUndefined();
    expect(behave({ image: 'ubuntu', stdin: true, tty: true }).exitAfterMs).toBeUndefined();
  });

  it('node runs a script given as args until stopped', () => {
    const b = behave({ image: 'node:20', args: ['server.js'] });
    expect(b.exitAfterMs).toBeUndefined();
    expect(b.notes.join()).toContain('server.js');
  });

  it('hello-world prints its greeting and exits 0', () => {
    const b = behave({ image: 'hello-world' });
    expect([b.exitAfterMs, b.exitCode]).toEqual([0, 0]);
    expect(text(b)).toContain('Hello from Docker!');
  });

  it('an unknown image is a server that runs until stopped, and says so', () => {
    const b = behave({ image: 'ghcr.io/acme/shop-api:2.1.0' });
    expect(b.source).toBe('unknown-image');
    expect(b.exitAfterMs).toBeUndefined();
    expect(b.notes.join()).toMatch(/not one the simulation knows.*server/);
  });

  it('an unknown image given only options runs its server', () => {
    expect(behave({ image: 'acme/api:1', args: ['--port', '8080'] }).exitAfterMs).toBeUndefined();
  });

  it('a declared-missing image cannot be pulled, with the runtime\'s message', () => {
    const b = behave({ image: 'nginx:9.9' }, undefined, { missingImages: new Set(['nginx:9.9']) });
    expect(b.pullError).toEqual({
      reason: 'ErrImagePull',
      message: 'Failed to pull image "nginx:9.9": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:9.9": failed to resolve reference "docker.io/library/nginx:9.9": docker.io/library/nginx:9.9: not found',
    });
    expect(behave({ image: 'nginx:1.27' }, undefined, { missingImages: new Set(['nginx:9.9']) }).pullError).toBeUndefined();
  });
});

describe('inputs', () => {
  it('takes a Pod object as the API server stores it', () => {
    const stored: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-0', namespace: 'default', uid: 'u', annotations: { 'kubecuke.io/ready-after': '5s' } },
      spec: { containers: [{ name: 'app', image: 'nginx' }], initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'sleep 2'] }] },
    };
    expect(containerBehaviour(stored, 'app').readyAfterMs).toBe(5000);
    expect(containerBehaviour(stored, 'init').exitAfterMs).toBe(2000);
  });
});
