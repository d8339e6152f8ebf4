import { describe, expect, it } from 'vitest';
import { Store, StoreCompactedError, StoreConflictError, type StoreEvent } from '../../src/engine/store/store.ts';
import type { Stored } from '../../src/engine/api/types.ts';

function obj(name: string, extra: Record<string, unknown> = {}) {
  return (rev: number) =>
    ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid: name, creationTimestamp: 'x', resourceVersion: String(rev) }, ...extra }) as unknown as Stored;
}

describe('Store', () => {
  it('counts every write in one global revision and stamps resourceVersion', () => {
    const s = new Store();
    const start = s.revision;
    const a = s.create('/registry/configmaps/default/a', obj('a'))!;
    const b = s.create('/registry/configmaps/default/b', obj('b'))!;
    expect(a.modRevision).toBe(start + 1);
    expect(b.modRevision).toBe(start + 2);
    expect(b.value.metadata.resourceVersion).toBe(String(start + 2));
    const u = s.update('/registry/configmaps/default/a', a.modRevision, obj('a', { data: { k: 'v' } }));
    expect(u.modRevision).toBe(start + 3);
    expect(u.createRevision).toBe(a.createRevision);
    expect(s.revision).toBe(start + 3);
  });

  it('refuses to create a key twice', () => {
    const s = new Store();
    expect(s.create('/registry/configmaps/default/a', obj('a'))).toBeDefined();
    expect(s.create('/registry/configmaps/default/a', obj('a'))).toBeUndefined();
  });

  it('refuses an update or delete with a stale revision (optimistic concurrency)', () => {
    const s = new Store();
    const a = s.create('/registry/configmaps/default/a', obj('a'))!;
    s.update('/registry/configmaps/default/a', a.modRevision, obj('a', { data: { v: '1' } }));
    expect(() => s.update('/registry/configmaps/default/a', a.modRevision, obj('a', { data: { v: '2' } }))).toThrow(StoreConflictError);
    expect(() => s.delete('/registry/configmaps/default/a', a.modRevision, (v) => v)).toThrow(StoreConflictError);
    expect(() => s.update('/registry/configmaps/default/missing', undefined, obj('missing'))).toThrow(StoreConflictError);
  });

  it('freezes stored values deeply', () => {
    const s = new Store();
    const a = s.create('/registry/configmaps/default/a', obj('a', { data: { k: 'v' } }))!;
    expect(Object.isFrozen(a.value)).toBe(true);
    expect(Object.isFrozen((a.value as unknown as { data: object }).data)).toBe(true);
  });

  it('stores a frozen copy: equal to what was built, the builder objects left alone, frozen parts shared', () => {
    const s = new Store();
    const shared = Object.freeze({ k: 'v' });
    const built = { data: { list: [1, { x: null }], empty: {} }, shared };
    const a = s.create('/registry/configmaps/default/a', (rev) => ({ ...obj('a')(rev), ...built }) as unknown as Stored)!;
    const v = a.value as unknown as typeof built;
    expect(v).toEqual({ ...obj('a')(a.modRevision), ...built });
    expect(Object.isFrozen(built.data)).toBe(false);
    expect([Object.isFrozen(v.data.list), Object.isFrozen(v.data.list[1]), Object.isFrozen(v.data.empty)]).toEqual([true, true, true]);
    expect(v.shared).toBe(shared);
    expect(Object.keys(v)).toEqual(['apiVersion', 'kind', 'metadata', 'data', 'shared']);
  });

  it('lists a prefix in key order, and keeps the listing current after updates and deletes', () => {
    const s = new Store();
    for (const n of ['c', 'a', 'b']) s.create(`/registry/configmaps/default/${n}`, obj(n));
    s.create('/registry/configmaps/other/z', obj('z'));
    expect(s.list('/registry/configmaps/default/').map((e) => e.value.metadata.name)).toEqual(['a', 'b', 'c']);
    expect(s.list('/registry/configmaps/').map((e) => e.key)).toEqual([
      '/registry/configmaps/default/a',
      '/registry/configmaps/default/b',
      '/registry/configmaps/default/c',
      '/registry/configmaps/other/z',
    ]);
    const b = s.get('/registry/configmaps/default/b')!;
    s.update(b.key, b.modRevision, obj('b', { data: { new: 'yes' } }));
    const listed = s.list('/registry/configmaps/default/').find((e) => e.value.metadata.name === 'b')!;
    expect((listed.value as unknown as { data: Record<string, string> }).data).toEqual({ new: 'yes' });
    s.delete('/registry/configmaps/default/a', undefined, (v) => v);
    expect(s.list('/registry/configmaps/default/').map((e) => e.value.metadata.name)).toEqual(['b', 'c']);
  });

  it('delivers watch events in revision order, with the previous object', () => {
    const s = new Store();
    const seen: StoreEvent[] = [];
    s.watch('/registry/configmaps/', undefined, (e) => seen.push(e));
    const a = s.create('/registry/configmaps/default/a', obj('a'))!;
    s.create('/registry/secrets/default/x', obj('x'));
    s.update(a.key, a.modRevision, obj('a', { data: { k: 'v' } }));
    s.delete(a.key, undefined, (v, rev) => ({ ...v, metadata: { ...v.metadata, resourceVersion: String(rev) } }) as Stored);
    expect(seen.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(seen.map((e) => e.revision)).toEqual([...seen.map((e) => e.revision)].sort((x, y) => x - y));
    expect(seen[1].prev?.metadata.resourceVersion).toBe(String(a.modRevision));
    expect(seen[2].object.metadata.resourceVersion).toBe(String(seen[2].revision));
  });

  it('replays from a past revision, then follows live writes', () => {
    const s = new Store();
    const a = s.create('/registry/configmaps/default/a', obj('a'))!;
    const from = s.revision;
    s.update(a.key, a.modRevision, obj('a', { data: { v: '1' } }));
    s.create('/registry/configmaps/default/b', obj('b'));
    const seen: string[] = [];
    s.watch('/registry/configmaps/', from, (e) => seen.push(`${e.type} ${e.object.metadata.name}`));
    s.create('/registry/configmaps/default/c', obj('c'));
    expect(seen).toEqual(['MODIFIED a', 'ADDED b', 'ADDED c']);
  });

  it('compacts its log, keeping what a pin holds, and refuses watches from before it', () => {
    const s = new Store({ retainEvents: 5 });
    const pinnedAt = s.revision;
    const release = s.pin(pinnedAt);
    for (let i = 0; i < 30; i++) s.create(`/registry/configmaps/default/c${i}`, obj(`c${i}`));
    expect(s.eventsAfter(pinnedAt)).toHaveLength(30);
    release();
    for (let i = 30; i < 60; i++) s.create(`/registry/configmaps/default/c${i}`, obj(`c${i}`));
    expect(s.compactedRevision).toBeGreaterThan(pinnedAt);
    expect(() => s.watch('/registry/configmaps/', pinnedAt, () => {})).toThrow(StoreCompactedError);
  });

  it('restores a snapshot', () => {
    const s = new Store();
    s.create('/registry/configmaps/default/a', obj('a'));
    const snap = s.snapshot();
    s.create('/registry/configmaps/default/b', obj('b'));
    s.restore(snap);
    expect(s.list('/registry/configmaps/').map((e) => e.value.metadata.name)).toEqual(['a']);
    expect(s.revision).toBeGreaterThanOrEqual(snap.revision);
  });
});
