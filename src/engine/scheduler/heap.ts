/**
 * A keyed binary heap (pkg/scheduler/backend/heap): push, pop, update and
 * delete by key in O(log n). Ties never reorder by chance: `less` decides.
 */
export class Heap<T> {
  private items: T[] = [];
  private readonly index = new Map<string, number>();

  constructor(
    private readonly key: (x: T) => string,
    private less: (a: T, b: T) => boolean,
  ) {}

  get size(): number {
    return this.items.length;
  }

  has(k: string): boolean {
    return this.index.has(k);
  }

  get(k: string): T | undefined {
    const i = this.index.get(k);
    return i === undefined ? undefined : this.items[i];
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds the item, or replaces the item with the same key and restores the order. */
  addOrUpdate(x: T): void {
    const k = this.key(x);
    const i = this.index.get(k);
    if (i !== undefined) {
      this.items[i] = x;
      this.fix(i);
      return;
    }
    this.items.push(x);
    this.index.set(k, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    if (!this.items.length) return undefined;
    return this.removeAt(0);
  }

  delete(k: string): T | undefined {
    const i = this.index.get(k);
    return i === undefined ? undefined : this.removeAt(i);
  }

  /** The items in no particular order. */
  list(): T[] {
    return [...this.items];
  }

  private removeAt(i: number): T {
    const h = this.items;
    const x = h[i];
    this.index.delete(this.key(x));
    const last = h.pop()!;
    if (i < h.length) {
      h[i] = last;
      this.index.set(this.key(last), i);
      this.fix(i);
    }
    return x;
  }

  private fix(i: number): void {
    if (!this.up(i)) this.down(i);
  }

  private swap(i: number, j: number): void {
    const h = this.items;
    [h[i], h[j]] = [h[j], h[i]];
    this.index.set(this.key(h[i]), i);
    this.index.set(this.key(h[j]), j);
  }

  private up(i: number): boolean {
    let moved = false;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(this.items[i], this.items[p])) break;
      this.swap(i, p);
      i = p;
      moved = true;
    }
    return moved;
  }

  private down(i: number): void {
    const h = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
