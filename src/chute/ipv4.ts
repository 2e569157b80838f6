// Dotted IPv4 addresses and netmasks as unsigned 32-bit numbers. Pure. Strict on purpose: no
// leading zeros ("010" is octal to inet_aton and decimal to most humans), no short forms, no
// whitespace, because the same text ends up in UCI, dnsmasq and nftables, which read it differently.

export type Ipv4Result = { ok: true; value: number } | { ok: false; reason: string };

const OCTET = /^(0|[1-9]\d{0,2})$/;

export function parseIpv4(text: string): Ipv4Result {
  const parts = text.split('.');
  if (parts.length !== 4) return { ok: false, reason: 'expected four numbers 0..255 separated by dots' };
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) {
      return {
        ok: false,
        reason: /^0\d+$/.test(part) ? `${JSON.stringify(part)} has a leading zero`
          : `${JSON.stringify(part)} is not a number 0..255`,
      };
    }
    const n = Number(part);
    if (n > 255) return { ok: false, reason: `${part} is more than 255` };
    value = value * 256 + n;
  }
  return { ok: true, value };
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** The prefix length of a contiguous netmask, or undefined if its one bits have holes. */
export function prefixOfNetmask(mask: number): number | undefined {
  for (let prefix = 0; prefix <= 32; prefix++) {
    if (maskOfPrefix(prefix) === mask) return prefix;
  }
  return undefined;
}

export function maskOfPrefix(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export interface Subnet {
  network: number;
  broadcast: number;
  prefix: number;
}

export function subnetOf(address: number, prefix: number): Subnet {
  const mask = maskOfPrefix(prefix);
  const network = (address & mask) >>> 0;
  const broadcast = (network | (~mask >>> 0)) >>> 0;
  return { network, broadcast, prefix };
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  return a.network <= b.broadcast && b.network <= a.broadcast;
}

export function formatSubnet(s: Subnet): string {
  return `${formatIpv4(s.network)}/${s.prefix}`;
}

/** Why an address cannot be a host's own unicast address, or undefined when it can. */
export function reasonNotUnicast(value: number): string | undefined {
  const first = Math.floor(value / 2 ** 24);
  if (first === 0) return 'is in 0.0.0.0/8 ("this network")';
  if (first === 127) return 'is a loopback address';
  if (first >= 224 && first <= 239) return 'is a multicast address';
  if (first >= 240) return 'is a reserved or broadcast address';
  return undefined;
}
