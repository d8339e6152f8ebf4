import { describe, expect, it } from 'vitest';
import { toleratesTaint } from '../../src/engine/api/taints.ts';

describe('toleratesTaint', () => {
  it('reads an empty operator as Equal', () => {
    expect(toleratesTaint({ key: 'k', operator: '' as never, value: 'v' }, { key: 'k', value: 'v', effect: 'NoSchedule' })).toBe(true);
    expect(toleratesTaint({ key: 'k', operator: '' as never, value: 'x' }, { key: 'k', value: 'v', effect: 'NoSchedule' })).toBe(false);
  });
});
