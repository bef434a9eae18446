/**
 * Which network addresses the web tools may reach. Loopback, private, link-local, carrier-grade
 * NAT, multicast, reserved and cloud metadata ranges are refused (SSRF), unless the host or the
 * address is listed in SMALLCODE_WEB_ALLOW_HOSTS.
 */
import { BlockList, isIP } from 'node:net';

const RANGES: Array<[string, number, 'ipv4' | 'ipv6', string]> = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local / metadata'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'reserved'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fc00::', 7, 'ipv6', 'private'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
  ['64:ff9b::', 96, 'ipv6', 'NAT64'],
];

const lists = RANGES.map(([net, prefix, family, label]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, family);
  return { list, family, label };
});

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d or ::ffff:xxxx:xxxx). */
function mappedIpv4(address: string): string | undefined {
  const m = /^::ffff:(.+)$/i.exec(address) ?? /^(?:0{1,4}:){5}ffff:(.+)$/i.exec(address);
  if (!m) return undefined;
  const rest = m[1]!;
  if (isIP(rest) === 4) return rest;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(rest);
  if (!hex) return undefined;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Why an address may not be reached (`loopback`, `private` …), or undefined when it may. */
export function forbiddenRange(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return 'not an IP address';
  if (family === 6) {
    const v4 = mappedIpv4(bare);
    if (v4) return forbiddenRange(v4);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const { list, family: f, label } of lists) {
    if (f === type && list.check(bare, type)) return label;
  }
  return undefined;
}

/** SMALLCODE_WEB_ALLOW_HOSTS: comma- or space-separated host names and addresses, lower-cased. */
export function parseAllowHosts(value: string | undefined): Set<string> {
  return new Set((value ?? '').split(/[\s,]+/).map((h) => h.trim().toLowerCase().replace(/^\[|\]$/g, '')).filter(Boolean));
}
