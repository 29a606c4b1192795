/**
 * SSRF guard for fetches made on behalf of model output: which IP addresses are not on the public
 * internet (loopback, private, link-local, CGNAT, multicast, reserved, IPv4-mapped IPv6 …).
 * IPv6 is allowed only inside global unicast (2000::/3) or as a form that carries a public IPv4.
 */
import { BlockList, isIP } from 'node:net';

// Two lists: one BlockList holding both families matches IPv4 addresses against IPv6 rules such as ::/96.
const blocked4 = new BlockList();
const blocked6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked4.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 96], // unspecified, loopback and IPv4-compatible (deprecated, RFC 4291): refused whole
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  // IETF protocol assignments: Teredo (2001::/32, a tunnel whose embedded addresses are obfuscated),
  // benchmarking, ORCHID … refused whole; RIR allocations start at 2001:200::.
  ['2001::', 23],
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation (RFC 9637)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  blocked6.addSubnet(net, prefix, 'ipv6');
// Everything outside 2000::/3 is reserved, local or unassigned (only the IPv4 forms below are let out).
const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');

/** The 8 groups of an IPv6 address as numbers (expands `::` and a dotted IPv4 tail). */
function groups(ip: string): number[] | null {
  let s = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const b = dotted[1]!.split('.').map(Number);
    s =
      s.slice(0, -dotted[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === null ? [] : new Array(8 - h.length - t.length).fill('0');
  const all = [...h, ...fill, ...t].map((g) => parseInt(g, 16));
  return all.length === 8 && all.every((n) => Number.isInteger(n) && n >= 0 && n <= 0xffff) ? all : null;
}

const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/**
 * The IPv4 address an IPv6 address carries, for the forms that reach it: IPv4-mapped
 * (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64
 * (64:ff9b::/96), 6to4 (2002:AABB:CCDD::/48) and ISATAP interface ids (…:0:5efe:a.b.c.d, with
 * any of the u/g bits: 100, 200, 300). `translated` marks the forms whose IPv4 address is where
 * the packets go (mapped, translated, compatible, NAT64); they lie outside 2000::/3.
 */
export function embeddedIPv4(ip: string): { v4: string; translated: boolean } | null {
  const g = groups(ip);
  if (!g) return null;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) return { v4: v4(g[6]!, g[7]!), translated: true };
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return { v4: v4(g[6]!, g[7]!), translated: true };
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return { v4: v4(g[6]!, g[7]!), translated: true };
  if (g[0] === 0x2002) return { v4: v4(g[1]!, g[2]!), translated: false };
  if ((g[4]! & ~0x300) === 0 && g[5] === 0x5efe) return { v4: v4(g[6]!, g[7]!), translated: false };
  return null;
}

/** True when `ip` (a literal IPv4 or IPv6 address) must not be fetched from. Non-IPs count as private. */
export function isPrivateAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v = isIP(bare);
  if (v === 4) return blocked4.check(bare, 'ipv4');
  if (v !== 6) return true;
  if (blocked6.check(bare, 'ipv6')) return true;
  // An IPv6 form that carries an IPv4 address is judged by the IPv4 rules too.
  const inner = embeddedIPv4(bare);
  if (inner && blocked4.check(inner.v4, 'ipv4')) return true;
  if (inner?.translated) return false;
  return !globalUnicast.check(bare, 'ipv6');
}
