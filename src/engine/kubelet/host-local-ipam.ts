/**
 * The node's CNI IP allocation (the host-local IPAM plugin): pod IPs come
 * from the node's podCIDR, starting after the gateway (.1), handed out in
 * turn after the last one given (not reusing a freed address at once), as
 * host-local does.
 */

export class HostLocalIPAM {
  private readonly used = new Set<number>();
  /** Offset of the last address handed out; starts at the gateway so .2 comes first. */
  private last = 1;
  private base = 0;
  private size = 0;

  /** Sets the range from a CIDR such as 10.244.1.0/24. Returns false for an unusable CIDR. */
  setRange(cidr: string | undefined): boolean {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr ?? '');
    if (!m) return false;
    const bits = Number(m[5]);
    if (bits < 8 || bits > 30) return false;
    const ip = ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]);
    const size = 2 ** (32 - bits);
    const base = ip - (ip % size);
    if (base === this.base && size === this.size) return true;
    this.base = base;
    this.size = size;
    this.used.clear();
    this.last = 1;
    return true;
  }

  get ready(): boolean {
    return this.size > 0;
  }

  /** The next free address, or undefined when the range is exhausted. */
  allocate(): string | undefined {
    if (!this.size) return undefined;
    // .0 is the network, .1 the gateway, the last the broadcast address.
    const first = 2;
    const lastUsable = this.size - 2;
    const span = lastUsable - first + 1;
    for (let i = 1; i <= span; i++) {
      const offset = first + ((((this.last - first + i) % span) + span) % span);
      if (!this.used.has(offset)) {
        this.used.add(offset);
        this.last = offset;
        return toIP(this.base + offset);
      }
    }
    return undefined;
  }

  release(ip: string | undefined): void {
    if (!ip) return;
    const parts = ip.split('.').map(Number);
    const n = ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
    this.used.delete(n - this.base);
  }

  /** Marks an address as in use (a pod that already had it, after a kubelet restart). */
  reserve(ip: string | undefined): void {
    if (!ip || !this.size) return;
    const parts = ip.split('.').map(Number);
    const n = ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
    const off = n - this.base;
    if (off > 0 && off < this.size) this.used.add(off);
  }
}

function toIP(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
