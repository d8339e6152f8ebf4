import { describe, expect, it } from 'vitest';
import { Loads } from '../../src/engine/loads.ts';

const pod = (ns: string, labels: Record<string, string>) => ({ metadata: { name: 'p', namespace: ns, labels } });

describe('Loads', () => {
  it('applies to the pods a selector matches, in its namespace, per container or all', () => {
    const l = new Loads();
    l.set({ namespace: 'default', selector: { matchLabels: { app: 'web' } }, cpu: '900m' });
    l.set({ namespace: 'default', selector: { matchLabels: { app: 'web' } }, container: 'sidecar', memory: '64Mi' });
    expect(l.usage(pod('default', { app: 'web', x: '1' }), 'nginx')).toEqual({ cpu: '900m' });
    expect(l.usage(pod('default', { app: 'web' }), 'sidecar')).toEqual({ cpu: '900m', memory: '64Mi' });
    expect(l.usage(pod('other', { app: 'web' }), 'nginx')).toBeUndefined();
    expect(l.usage(pod('default', { app: 'db' }), 'nginx')).toBeUndefined();
  });

  it('replaces a load for the same pods, keeping what the new one does not set', () => {
    const l = new Loads();
    l.set({ namespace: 'default', selector: { matchLabels: { app: 'web' } }, cpu: '900m', memory: '1Gi' });
    l.set({ namespace: 'default', selector: { matchLabels: { app: 'web' } }, cpu: '100m' });
    expect(l.usage(pod('default', { app: 'web' }), 'nginx')).toEqual({ cpu: '100m', memory: '1Gi' });
  });
});
