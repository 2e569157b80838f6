// IPv4 arithmetic for the compiler: addresses as unsigned 32-bit numbers, subnets as inclusive
// [network, broadcast] ranges. Pure. Strict parsing (no leading zeros, no short forms) because the
// same text goes to UCI, LXC and dnsmasq, which would each read a sloppy form differently.
// (src/chute has its own copy for chute validation; the compiler keeps one so neither room imports
// the other's internals.)

export interface Subnet {
  network: number;
  broadcast: number;
  prefix: number;
}

const OCTET = /^(0|[1-9]\d{0,2})$/;

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function maskOfPrefix(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Prefix length of a dotted netmask, or undefined when it is not a contiguous mask. */
export function prefixOfNetmask(text: string): number | undefined {
  const mask = parseIpv4(text);
  if (mask === undefined) return undefined;
  for (let prefix = 0; prefix <= 32; prefix++) if (maskOfPrefix(prefix) === mask) return prefix;
  return undefined;
}

export function subnetOf(address: number, prefix: number): Subnet {
  const mask = maskOfPrefix(prefix);
  const network = (address & mask) >>> 0;
  return { network, broadcast: (network | (~mask >>> 0)) >>> 0, prefix };
}

/** `a.b.c.d/n` whose address is the network address itself; undefined otherwise. */
export function parseCidr(text: string): Subnet | undefined {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const address = parseIpv4(m[1]!);
  const prefix = Number(m[2]);
  if (address === undefined || prefix > 32 || String(prefix) !== m[2]) return undefined;
  const subnet = subnetOf(address, prefix);
  return subnet.network === address ? subnet : undefined;
}

export function formatSubnet(s: Subnet): string {
  return `${formatIpv4(s.network)}/${s.prefix}`;
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  return a.network <= b.broadcast && b.network <= a.broadcast;
}

export function contains(s: Subnet, address: number): boolean {
  return address >= s.network && address <= s.broadcast;
}
