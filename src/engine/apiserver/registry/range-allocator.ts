/**
 * The allocation map behind Service cluster IPs and node ports
 * (pkg/registry/core/service/allocator: AllocationMap with
 * randomScanStrategyWithOffset). The range is split at `offset`: dynamic
 * allocations start at a random place in the upper part [offset, size) and
 * scan forward, falling back to the lower part [0, offset) only when the
 * upper one is full, which leaves the lower part to users who pick their
 * own values (KEP-3070 and KEP-3668, the "static subranges").
 */

/** The random source the allocator draws from: the cluster's seeded Random. */
export interface RandomInt {
  int(n: number): number;
}

/**
 * min(max(min, size/step), max), or 0 for ranges of `min` or fewer values
 * (calculateRangeOffset of the ipallocator and portallocator packages).
 */
export function rangeOffset(size: number, min: number, max: number, step: number): number {
  if (size <= min) return 0;
  return Math.min(Math.max(min, Math.floor(size / step)), max);
}

export class OffsetRangeAllocator {
  private readonly used = new Set<number>();

  constructor(
    /** Number of values, 0..size-1. */
    readonly size: number,
    /** Start of the upper, dynamic part. */
    readonly offset: number,
    private readonly random: RandomInt,
  ) {}

  has(i: number): boolean {
    return this.used.has(i);
  }

  /** Reserves `i`; false when it is taken or outside the range. */
  allocate(i: number): boolean {
    if (i < 0 || i >= this.size || this.used.has(i)) return false;
    this.used.add(i);
    return true;
  }

  /** A free value from the upper part first, then the lower; undefined when full. */
  allocateNext(): number | undefined {
    if (this.used.size >= this.size) return undefined;
    const upper = this.size - this.offset;
    if (upper > 0) {
      const start = this.random.int(upper);
      for (let i = 0; i < upper; i++) {
        const at = this.offset + ((start + i) % upper);
        if (!this.used.has(at)) return this.take(at);
      }
    }
    if (this.offset > 0) {
      const start = this.random.int(this.offset);
      for (let i = 0; i < this.offset; i++) {
        const at = (start + i) % this.offset;
        if (!this.used.has(at)) return this.take(at);
      }
    }
    return undefined;
  }

  release(i: number): void {
    this.used.delete(i);
  }

  get free(): number {
    return this.size - this.used.size;
  }

  private take(i: number): number {
    this.used.add(i);
    return i;
  }
}
