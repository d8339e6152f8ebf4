/** IPv4 addresses as numbers, and CIDR arithmetic, for the network model and the Service registry. */

export function ipToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function intToIP(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function isIPv4(s: string): boolean {
  return ipToInt(s) !== undefined;
}

/** True when `ip` lies in `cidr` (`10.0.0.0/8`; a bare address is a /32). False for anything malformed. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [addr, bitsText] = cidr.split('/');
  const net = ipToInt(addr);
  const n = ipToInt(ip);
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (net === undefined || n === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  if (bits === 0) return true;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return ((net & mask) >>> 0) === ((n & mask) >>> 0);
}
