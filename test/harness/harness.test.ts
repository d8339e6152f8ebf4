import { describe, expect, it } from 'vitest';
import { parseStepDuration, parseRef, humanDuration } from '../../src/harness/params.ts';
import { closestPhrasings, examplePhrase } from '../../src/harness/suggest.ts';
import { mismatch } from '../../src/harness/contains.ts';
import { nodesFromTable } from '../../src/harness/nodes.ts';
import { resolveManifest } from '../../src/harness/manifests.ts';
import { UserError } from '../../src/harness/errors.ts';

describe('step parameters', () => {
  it.each([
    ['30 seconds', 30_000],
    ['1 minute', 60_000],
    ['5 minutes', 300_000],
    ['2 hours', 7_200_000],
    ['90s', 90_000],
    ['5m', 300_000],
    ['2m30s', 150_000],
    ['1h', 3_600_000],
    ['1 hour 30 minutes', 5_400_000],
    ['500ms', 500],
  ])('reads the duration %s', (text, ms) => {
    expect(parseStepDuration(text)).toBe(ms);
  });

  it('refuses what is not a duration, saying how to write one', () => {
    expect(() => parseStepDuration('soon')).toThrow(/is not a duration: write it as "30 seconds"/);
  });

  it('prints durations for messages', () => {
    expect(humanDuration(365_000)).toBe('6m5s');
    expect(humanDuration(300)).toBe('300ms');
  });

  it('reads names with and without namespace', () => {
    expect(parseRef('web', 'default')).toEqual({ namespace: 'default', name: 'web' });
    expect(parseRef('shop/web', 'default')).toEqual({ namespace: 'shop', name: 'web' });
  });
});

describe('suggestions for undefined steps', () => {
  const patterns = ['{int} pod(s) of {workload} is/are running', 'node {string} is not ready', 'the deployment {string} has {int} ready replica(s)', 'I delete pod {string}'];

  it('turns patterns into readable examples', () => {
    expect(examplePhrase('{int} pod(s) of {workload} is/are running')).toBe('N pods of deployment "…" is running');
  });

  it('puts the intended phrase first despite typos', () => {
    expect(closestPhrasings('5 pods of deployemnt "api" are runing', patterns)[0]).toBe('{int} pod(s) of {workload} is/are running');
    expect(closestPhrasings('node "n1" is not redy', patterns)[0]).toBe('node {string} is not ready');
  });
});

describe('partial object matching', () => {
  it('matches given fields, maps with more keys, lists by position, quantities by value', () => {
    const actual = { spec: { replicas: 3, template: { spec: { containers: [{ name: 'a', resources: { requests: { cpu: '1000m' } } }, { name: 'b' }] } } }, metadata: { labels: { a: '1', b: '2' } } };
    expect(mismatch({ spec: { replicas: 3 } }, actual)).toBeUndefined();
    expect(mismatch({ metadata: { labels: { a: '1' } } }, actual)).toBeUndefined();
    expect(mismatch({ spec: { template: { spec: { containers: [{ name: 'a', resources: { requests: { cpu: 1 } } }] } } } }, actual)).toBeUndefined();
    expect(mismatch({ spec: { replicas: 4 } }, actual)).toBe('spec.replicas is 3, expected 4');
    expect(mismatch({ spec: { template: { spec: { containers: [{ name: 'b' }] } } } }, actual)).toBe('spec.template.spec.containers[0].name is "a", expected "b"');
    expect(mismatch({ spec: { paused: true } }, actual)).toBe('spec.paused is not set, expected true');
    expect(mismatch({ spec: { template: { spec: { containers: [{}, {}, {}] } } } }, actual)).toBe('spec.template.spec.containers has 2 items, expected at least 3');
  });
});

describe('tables of nodes', () => {
  it('reads names, capacity, labels (zone sets the topology label) and taints', () => {
    const nodes = nodesFromTable([
      ['name', 'cpu', 'memory', 'labels', 'taints'],
      ['node-a', '4', '8Gi', 'zone=a, disktype=ssd', ''],
      ['node-b', '2', '4Gi', 'zone=b', 'dedicated=gpu:NoSchedule'],
    ]);
    expect(nodes[0]).toEqual({ name: 'node-a', cpu: '4', memory: '8Gi', labels: { zone: 'a', 'topology.kubernetes.io/zone': 'a', disktype: 'ssd' } });
    expect(nodes[1].taints).toEqual([{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
  });

  it('explains mistakes in the table', () => {
    expect(() => nodesFromTable([['name', 'colour'], ['a', 'red']])).toThrow('the table of nodes has an unknown column "colour"');
    expect(() => nodesFromTable([['name', 'labels'], ['a', 'ssd']])).toThrow('row 1 of the table of nodes: "ssd" is not a label: write it as key=value');
    expect(() => nodesFromTable([['name', 'taints'], ['a', 'gpu']])).toThrow(/row 1 of the table of nodes: "gpu" is not a taint/);
    expect(() => nodesFromTable([['name'], ['a'], ['a']])).toThrow('row 2 of the table of nodes: node "a" appears twice');
  });
});

describe('manifest paths', () => {
  it('refuses absolute paths and paths that leave the allowed folders', () => {
    expect(() => resolveManifest('/etc/passwd', '/work/main/features', '/work/main/manifests', '/work/main')).toThrow(UserError);
    expect(() => resolveManifest('../../etc/passwd', '/work/main/features/pods', '/work/main/manifests', '/work/main')).toThrow(/outside the folders manifests are read from/);
  });

  it('finds a manifest in manifests/ when it is not beside the feature', () => {
    const loc = resolveManifest('web.yaml', '/work/main/features/pods', '/work/main/manifests', '/work/main');
    expect(loc.display).toBe('manifests/web.yaml');
  });
});
