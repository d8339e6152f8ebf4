/** QoS classes, pinned against upstream's TestComputePodQOS (pod-level resources off, as in 1.33). */
import { describe, it, expect } from 'vitest';
import { podQOSClass } from '../../../src/engine/api/qos.ts';
import type { Container } from '../../../src/engine/api/types.ts';

const list = (cpu: string, memory: string) => ({ ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) });
const c = (requests: Record<string, string>, limits: Record<string, string>): Container => ({ name: 'c', resources: { requests, limits } });

describe('ComputePodQOS', () => {
  it.each([
    ['guaranteed', [c(list('100m', '100Mi'), list('100m', '100Mi'))], [], 'Guaranteed'],
    ['guaranteed-guaranteed', [c(list('100m', '100Mi'), list('100m', '100Mi')), c(list('100m', '100Mi'), list('100m', '100Mi'))], [], 'Guaranteed'],
    ['best-effort-best-effort', [c({}, {}), c({}, {})], [], 'BestEffort'],
    ['best-effort', [c({}, {})], [], 'BestEffort'],
    ['best-effort-burstable', [c({}, {}), c(list('1', ''), list('2', ''))], [], 'Burstable'],
    ['best-effort-guaranteed', [c({}, {}), c(list('10m', '100Mi'), list('10m', '100Mi'))], [], 'Burstable'],
    ['burstable-cpu-guaranteed-memory', [c(list('', '100Mi'), list('', '100Mi'))], [], 'Burstable'],
    ['burstable-no-limits', [c(list('100m', '100Mi'), {})], [], 'Burstable'],
    ['burstable-guaranteed', [c(list('1', '100Mi'), list('2', '100Mi')), c(list('100m', '100Mi'), list('100m', '100Mi'))], [], 'Burstable'],
    ['burstable-unbounded-but-requests-match-limits', [c(list('100m', '100Mi'), list('200m', '200Mi')), c(list('100m', '100Mi'), {})], [], 'Burstable'],
    ['burstable-1', [c(list('10m', '100Mi'), list('100m', '200Mi'))], [], 'Burstable'],
    ['burstable-2', [c(list('0', '0'), list('100m', '200Mi'))], [], 'Burstable'],
    ['best-effort-hugepages', [c({ ...list('0', '0'), 'hugepages-2Mi': '1Gi' }, { ...list('0', '0'), 'hugepages-2Mi': '1Gi' })], [], 'BestEffort'],
    ['init-container', [c({}, {})], [c(list('10m', '100Mi'), list('100m', '200Mi'))], 'Burstable'],
  ] as Array<[string, Container[], Container[], string]>)('%s is %s', (_name, containers, initContainers, expected) => {
    expect(podQOSClass({ containers, initContainers })).toBe(expected);
  });
});
