/**
 * Node-pressure eviction: the ranking under memory pressure and the
 * eviction message, pinned against upstream's eviction helpers_test.go.
 */
import { describe, it, expect } from 'vitest';
import type { Container, Pod } from '../../../src/engine/api/types.ts';
import { evictionMessage, rankDiskPressure, rankMemoryPressure, type RankedPod } from '../../../src/engine/kubelet/eviction-manager.ts';
import { resourceAmount } from '../../../src/engine/api/quantity.ts';

const lowPriority = -1;
const defaultPriority = 0;
const highPriority = 1;

function pod(name: string, priority: number, requests: string, limits: string, usage?: string): RankedPod & { name: string } {
  const c: Container = { name, resources: { requests: requests ? { memory: requests } : {}, limits: limits ? { memory: limits } : {} } };
  const p = { metadata: { name }, spec: { containers: [c], priority } } as unknown as Pod;
  return { name, pod: p, memory: usage === undefined ? undefined : new Map([[name, resourceAmount('memory', usage)]]) };
}
const names = (ps: Array<{ name: string }>) => ps.map((p) => p.name);

describe('rankMemoryPressure', () => {
  it('TestOrderedByExceedsRequestMemory: a pod over its request goes first, whatever its priority', () => {
    const below = pod('below-requests', -1, '200Mi', '', '199Mi');
    const exceeds = pod('exceeds-requests', 1, '100Mi', '', '101Mi');
    expect(names(rankMemoryPressure([below, exceeds]))).toEqual(['exceeds-requests', 'below-requests']);
  });

  it('TestOrderedByMemory: the greediest consumer relative to its request first', () => {
    const pods = [
      pod('best-effort-high', defaultPriority, '', '', '500Mi'),
      pod('best-effort-low', defaultPriority, '', '', '300Mi'),
      pod('burstable-high', defaultPriority, '100Mi', '1Gi', '800Mi'),
      pod('burstable-low', defaultPriority, '100Mi', '1Gi', '300Mi'),
      pod('guaranteed-high', defaultPriority, '1Gi', '1Gi', '800Mi'),
      pod('guaranteed-low', defaultPriority, '1Gi', '1Gi', '200Mi'),
    ];
    // Among pods over their requests (the first four), the largest excess first; then priority; then excess.
    expect(names(rankMemoryPressure(pods))).toEqual(['burstable-high', 'best-effort-high', 'best-effort-low', 'burstable-low', 'guaranteed-high', 'guaranteed-low']);
  });

  it('TestOrderedByPriorityMemory: over requests, then lower priority, then larger excess', () => {
    const pods = [
      pod('below-requests-high-priority-low-usage', highPriority, '1Gi', '', '200Mi'),
      pod('below-requests-high-priority-high-usage', highPriority, '1Gi', '', '800Mi'),
      pod('below-requests-low-priority-low-usage', lowPriority, '1Gi', '', '200Mi'),
      pod('below-requests-low-priority-high-usage', lowPriority, '1Gi', '', '800Mi'),
      pod('above-requests-high-priority-low-usage', highPriority, '100Mi', '', '150Mi'),
      pod('above-requests-high-priority-high-usage', highPriority, '100Mi', '', '600Mi'),
      pod('above-requests-low-priority-low-usage', lowPriority, '', '', '50Mi'),
      pod('above-requests-low-priority-high-usage', lowPriority, '', '', '500Mi'),
    ];
    expect(names(rankMemoryPressure(pods))).toEqual([
      'above-requests-low-priority-high-usage',
      'above-requests-low-priority-low-usage',
      'above-requests-high-priority-high-usage',
      'above-requests-high-priority-low-usage',
      'below-requests-low-priority-high-usage',
      'below-requests-low-priority-low-usage',
      'below-requests-high-priority-high-usage',
      'below-requests-high-priority-low-usage',
    ]);
  });

  it('puts pods without stats first', () => {
    const known = pod('known', defaultPriority, '', '', '1Gi');
    const unknown = pod('unknown', highPriority, '', '');
    expect(names(rankMemoryPressure([known, unknown]))).toEqual(['unknown', 'known']);
  });

  it('keeps equal pods in the order given', () => {
    const a = pod('a', 0, '', '', '100Mi');
    const b = pod('b', 0, '', '', '100Mi');
    expect(names(rankMemoryPressure([a, b]))).toEqual(['a', 'b']);
    expect(names(rankMemoryPressure([b, a]))).toEqual(['b', 'a']);
  });
});

describe('rankDiskPressure without per-pod disk use', () => {
  it('TestOrderedByPriority: lower priority first', () => {
    const low = pod('low-priority', -134, '', '');
    const medium = pod('medium-priority', 1, '100Mi', '200Mi');
    const high = pod('high-priority', 12534, '200Mi', '200Mi');
    expect(names(rankDiskPressure([high, medium, low]))).toEqual(['low-priority', 'medium-priority', 'high-priority']);
  });
});

describe('evictionMessage', () => {
  it('names the threshold, what was available and the containers over their requests', () => {
    const p = pod('app', 0, '128M', '', '788244Ki');
    expect(evictionMessage('memory', p, '100Mi', '48144Ki')).toBe(
      'The node was low on resource: memory. Threshold quantity: 100Mi, available: 48144Ki. Container app was using 788244Ki, request is 128M, has larger consumption of memory. ',
    );
  });

  it('leaves out containers within their requests, and says request is 0 without one', () => {
    const within = pod('db', 0, '1Gi', '', '900Mi');
    expect(evictionMessage('memory', within, '100Mi', '-900Mi')).toBe('The node was low on resource: memory. Threshold quantity: 100Mi, available: -900Mi. ');
    const none = pod('hog', 0, '', '', '3Gi');
    expect(evictionMessage('memory', none, '100Mi', '0')).toContain('Container hog was using 3Gi, request is 0, has larger consumption of memory. ');
  });
});
