/**
 * The simulated cloud: a pool of public addresses for load balancers.
 * The pool is a simulation constant: TEST-NET-3 (203.0.113.0/24, RFC 5737),
 * addresses that belong to no real network.
 */
export const LOAD_BALANCER_POOL = '203.0.113.0/24';

export class Cloud {
  private next = 1;
  private readonly free: string[] = [];
  private readonly used = new Set<string>();

  /** A free public address, or undefined when the pool is used up. */
  allocateIP(): string | undefined {
    const ip = this.free.shift() ?? (this.next <= 254 ? `203.0.113.${this.next++}` : undefined);
    if (ip) this.used.add(ip);
    return ip;
  }

  releaseIP(ip: string): void {
    if (!this.used.delete(ip)) return;
    this.free.push(ip);
  }
}
