// Dotted IPv4 addresses, netmasks and CIDR subnets as unsigned 32-bit numbers: paradrop's one IPv4
// implementation (src/plan imports it). Pure. Strict on purpose: no leading zeros ("010" is octal to
// inet_aton and decimal to most humans), no short forms, no whitespace, because the same text ends
// up in UCI, LXC, dnsmasq and nftables, which read it differently.
// Also the address ranges that are never a chute's (SPECIAL_RANGES): whatever a gateway profile
// allows, a chute subnet touching one of them is refused by the chute layer itself.

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

/** The address as a number, or undefined when `text` is not a strict dotted address. */
export function ipv4Value(text: string): number | undefined {
  const r = parseIpv4(text);
  return r.ok ? r.value : undefined;
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

/** Prefix length of a dotted netmask, or undefined when it is not a contiguous mask. */
export function prefixOfNetmaskText(text: string): number | undefined {
  const mask = ipv4Value(text);
  return mask === undefined ? undefined : prefixOfNetmask(mask);
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

/** `a.b.c.d/n` whose address is the network address itself; undefined otherwise. */
export function parseCidr(text: string): Subnet | undefined {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const address = ipv4Value(m[1]!);
  const prefix = Number(m[2]);
  if (address === undefined || prefix > 32 || String(prefix) !== m[2]) return undefined;
  const subnet = subnetOf(address, prefix);
  return subnet.network === address ? subnet : undefined;
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  return a.network <= b.broadcast && b.network <= a.broadcast;
}

/** Whether `inner` lies wholly inside `outer`. */
export function within(inner: Subnet, outer: Subnet): boolean {
  return inner.network >= outer.network && inner.broadcast <= outer.broadcast;
}

export function contains(s: Subnet, address: number): boolean {
  return address >= s.network && address <= s.broadcast;
}

export function formatSubnet(s: Subnet): string {
  return `${formatIpv4(s.network)}/${s.prefix}`;
}

/**
 * Ranges no chute subnet may touch, with what they are (RFC 6890 special-purpose space that a
 * host never uses as its own subnet). 100.64.0.0/10 is the ISPs' carrier-grade NAT space: a
 * chute there would capture the gateway's traffic to its ISP's shared addresses.
 */
export const SPECIAL_RANGES: ReadonlyArray<{ subnet: Subnet; what: string }> = [
  { text: '0.0.0.0/8', what: '"this network" (0.0.0.0/8)' },
  { text: '100.64.0.0/10', what: 'the ISPs\' shared address space (100.64.0.0/10)' },
  { text: '127.0.0.0/8', what: 'loopback (127.0.0.0/8)' },
  { text: '169.254.0.0/16', what: 'link-local (169.254.0.0/16)' },
  { text: '224.0.0.0/4', what: 'multicast (224.0.0.0/4)' },
  { text: '240.0.0.0/4', what: 'reserved and broadcast space (240.0.0.0/4, 255.255.255.255)' },
].map(({ text, what }) => ({ subnet: parseCidr(text)!, what }));

/** What special range `s` touches, or undefined when it touches none. */
export function specialRangeOf(s: Subnet): string | undefined {
  return SPECIAL_RANGES.find((r) => overlaps(r.subnet, s))?.what;
}

/** Why an address cannot be a host's own unicast address, or undefined when it can. */
export function reasonNotUnicast(value: number): string | undefined {
  const what = specialRangeOf(subnetOf(value, 32));
  return what === undefined ? undefined : `is in ${what}`;
}
