/**
 * IP address and CIDR checks as k8s.io/utils/net parses them ("sloppy":
 * IPv4 octets may carry leading zeros), with the messages of
 * k8s.io/apimachinery/pkg/util/validation/ip.go.
 */
import type { FieldError } from '../errors.ts';
import { invalid } from '../errors.ts';

/** A parsed address: 4 or 16 bytes. */
export type IPBytes = number[];

function parseIPv4(s: string): IPBytes | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseIPv6(s: string): IPBytes | undefined {
  if (!s.includes(':')) return undefined;
  let tail4: IPBytes | undefined;
  let body = s;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail4 = parseIPv4(s.slice(lastColon + 1));
    if (!tail4) return undefined;
    body = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !rest) return undefined;
  let all: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return undefined;
    all = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else {
    if (head.length !== 8) return undefined;
    all = head;
  }
  const bytes: number[] = [];
  for (const g of all) bytes.push(g >> 8, g & 0xff);
  if (tail4) bytes.splice(12, 4, ...tail4);
  return bytes;
}

/** netutils.ParseIPSloppy: the address bytes, or undefined when not an IP. */
export function parseIPSloppy(s: string): IPBytes | undefined {
  return parseIPv4(s) ?? parseIPv6(s);
}

/** True for an IPv4 address, including an IPv4-mapped IPv6 one (as net.IP.To4 sees it). */
export function isIPv4Bytes(ip: IPBytes): boolean {
  if (ip.length === 4) return true;
  return ip.slice(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;
}

/** The four IPv4 bytes of an address that is IPv4. */
function v4(ip: IPBytes): IPBytes {
  return ip.length === 4 ? ip : ip.slice(12);
}

/** netutils.IsIPv6String */
export function isIPv6String(s: string): boolean {
  const ip = parseIPSloppy(s);
  return ip !== undefined && !isIPv4Bytes(ip);
}

/** netutils.ParseCIDRSloppy: the address and prefix length, or undefined. */
export function parseCIDRSloppy(s: string): { ip: IPBytes; bits: number; v4: boolean } | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ipPart = s.slice(0, slash);
  const lenPart = s.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(lenPart)) return undefined;
  const bits = Number(lenPart);
  const four = parseIPv4(ipPart);
  if (four) return bits <= 32 ? { ip: four, bits, v4: true } : undefined;
  const six = parseIPv6(ipPart);
  if (six) return bits <= 128 ? { ip: six, bits, v4: false } : undefined;
  return undefined;
}

/** True when a CIDR contains an address of the same family. */
export function cidrContains(net: { ip: IPBytes; bits: number }, ip: IPBytes): boolean {
  if (net.ip.length !== ip.length) return false;
  for (let i = 0; i < net.bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if ((net.ip[byte] & mask) !== (ip[byte] & mask)) return false;
  }
  return true;
}

/** IsValidIP */
export function isValidIP(field: string, value: string): FieldError[] {
  return parseIPSloppy(value) ? [] : [invalid(field, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
}

/** IsValidCIDR */
export function isValidCIDR(field: string, value: string): FieldError[] {
  return parseCIDRSloppy(value) ? [] : [invalid(field, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

/** netutils.IsDualStackIPStrings: exactly one IPv4 and one IPv6 among two or more addresses. */
export function isDualStackIPs(ips: string[]): boolean {
  let v4s = 0;
  let v6s = 0;
  for (const s of ips) {
    const ip = parseIPSloppy(s);
    if (!ip) return false;
    if (isIPv4Bytes(ip)) v4s++;
    else v6s++;
  }
  return v4s >= 1 && v6s >= 1;
}

/** netutils.IsDualStackCIDRStrings */
export function isDualStackCIDRs(cidrs: string[]): boolean {
  let v4s = 0;
  let v6s = 0;
  for (const s of cidrs) {
    const c = parseCIDRSloppy(s);
    if (!c) return false;
    if (c.v4) v4s++;
    else v6s++;
  }
  return v4s >= 1 && v6s >= 1;
}

/** ValidateNonSpecialIP: no unspecified, loopback or link-local addresses. */
export function validateNonSpecialIP(value: string, field: string): FieldError[] {
  const ip = parseIPSloppy(value);
  if (!ip) return [invalid(field, value, 'must be a valid IP address')];
  const errs: FieldError[] = [];
  const is4 = isIPv4Bytes(ip);
  const b = is4 ? v4(ip) : ip;
  const unspecified = b.every((x) => x === 0);
  const loopback = is4 ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
  const linkLocalUnicast = is4 ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && (b[1] & 0xc0) === 0x80;
  const linkLocalMulticast = is4 ? b[0] === 224 && b[1] === 0 && b[2] === 0 : b[0] === 0xff && (b[1] & 0x0f) === 0x02;
  if (unspecified) errs.push(invalid(field, value, `may not be unspecified (${value})`));
  if (loopback) errs.push(invalid(field, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (linkLocalUnicast) errs.push(invalid(field, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (linkLocalMulticast)
    errs.push(invalid(field, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}
