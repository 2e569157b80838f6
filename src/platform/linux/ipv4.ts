// IPv4 arithmetic for the Linux applier: addresses as unsigned 32-bit numbers. Pure. Parsing is as
// lenient as netifd/fw4 about forms (CIDR or dotted netmask) but strict about digits (the chute
// layer's parser), because a value we misread would become a wrong address on a bridge.

// One strict parser for the whole project (src/chute/ipv4.ts); these names keep the applier's
// number-or-undefined shape.
export { formatIpv4, maskOfPrefix, ipv4Value as parseIpv4, prefixOfNetmaskText as prefixOfNetmask } from '../../chute/ipv4.js';
import { formatIpv4, maskOfPrefix, ipv4Value as parseIpv4, prefixOfNetmaskText as prefixOfNetmask } from '../../chute/ipv4.js';

export function parsePrefix(text: string): number | undefined {
  if (!/^\d{1,2}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 32 ? n : undefined;
}

export function networkOf(address: number, prefix: number): number {
  return (address & maskOfPrefix(prefix)) >>> 0;
}

export function broadcastOf(address: number, prefix: number): number {
  return (networkOf(address, prefix) | (~maskOfPrefix(prefix) >>> 0)) >>> 0;
}

/** `10.100.11.0/24` for 10.100.11.254/24. */
export function subnetText(address: string, prefix: number): string {
  const a = parseIpv4(address);
  if (a === undefined) return `${address}/${prefix}`;
  return `${formatIpv4(networkOf(a, prefix))}/${prefix}`;
}

export function inSubnet(address: string, net: string, prefix: number): boolean {
  const a = parseIpv4(address);
  const n = parseIpv4(net);
  if (a === undefined || n === undefined) return false;
  return networkOf(a, prefix) === networkOf(n, prefix);
}

/** `a.b.c.d` or `a.b.c.d/NN` or `a.b.c.d/m.m.m.m`; undefined when it is none of these. */
export function parseCidr(text: string): { address: string; prefix: number } | undefined {
  const [addr, mask, extra] = text.split('/');
  if (addr === undefined || extra !== undefined || parseIpv4(addr) === undefined) return undefined;
  if (mask === undefined) return { address: addr, prefix: 32 };
  const prefix = mask.includes('.') ? prefixOfNetmask(mask) : parsePrefix(mask);
  return prefix === undefined ? undefined : { address: addr, prefix };
}
