// nft rule text for firewall rules, redirects and NAT reflection, one line each, in the subset of
// nft that fw4 itself uses (iifname/oifname, meta nfproto/l4proto, ports, ip saddr/daddr, icmp
// type, ct state/status, jump, accept, reject, drop, dnat, snat, masquerade). Pure.
import type { PortRange, RedirectModel, ReflectionModel, RuleModel } from './model.js';

export const quoteName = (name: string): string => `"${name.replace(/["\\]/g, '')}"`;

/** nft keeps at most 128 bytes of a comment; names are the user's, so cut them. */
const comment = (text: string): string => `comment ${quoteName(Buffer.from(text).subarray(0, 120).toString().replace(/\uFFFD+$/, ''))}`;

/** `"a"` or `{ "a", "b" }`. */
export function nameSet(names: readonly string[]): string {
  const q = names.map(quoteName);
  return q.length === 1 ? q[0]! : `{ ${q.join(', ')} }`;
}

function valueSet(values: readonly string[]): string {
  return values.length === 1 ? values[0]! : `{ ${values.join(', ')} }`;
}

export const portText = (p: PortRange): string => (p.min === p.max ? `${p.min}` : `${p.min}-${p.max}`);

/** The chain a rule lands in and its verdict, as fw4 decides them. */
export function ruleChain(r: RuleModel): string {
  if (r.src !== undefined) {
    if (r.src === '*') return r.dest !== undefined ? 'forward' : 'input';
    return `${r.dest !== undefined ? 'forward' : 'input'}_${r.src}`;
  }
  if (r.dest !== undefined && r.dest !== '*') return `output_${r.dest}`;
  return 'output';
}

/** The chain a rule jumps to (`accept_to_lan`, `handle_reject`), if any. */
export function ruleJump(r: RuleModel): string | undefined {
  if (r.target !== undefined && r.dest !== undefined && r.dest !== '*') return `${r.target}_to_${r.dest}`;
  if (r.target === 'reject') return 'handle_reject';
  return undefined;
}

export function ruleLine(r: RuleModel): string {
  const m: string[] = [];
  if (r.family === 4) m.push('meta nfproto ipv4');
  if (r.family === 6) m.push('meta nfproto ipv6');
  if (r.srcIp.length) m.push(`ip saddr ${valueSet(r.srcIp)}`);
  if (r.destIp.length) m.push(`ip daddr ${valueSet(r.destIp)}`);
  if (r.proto === 'tcp' || r.proto === 'udp') {
    if (!r.srcPorts.length && !r.destPorts.length) m.push(`meta l4proto ${r.proto}`);
    if (r.srcPorts.length) m.push(`${r.proto} sport ${valueSet(r.srcPorts.map(portText))}`);
    if (r.destPorts.length) m.push(`${r.proto} dport ${valueSet(r.destPorts.map(portText))}`);
  } else if (r.proto === 'icmp' || r.proto === 'ipv6-icmp') {
    const keyword = r.proto === 'icmp' ? 'icmp' : 'icmpv6';
    if (r.icmpTypes.length) m.push(`${keyword} type ${valueSet(r.icmpTypes.map(String))}`);
    else if (r.family === 0) m.push('meta l4proto { icmp, ipv6-icmp }');
    else m.push(`meta l4proto ${r.proto}`);
  }
  const jump = ruleJump(r);
  const verdict = jump !== undefined ? `jump ${jump}` : r.target === 'accept' ? 'accept' : r.target === 'drop' ? 'drop' : '';
  return [...m, 'counter', verdict].filter((x) => x !== '').join(' ') + ` ${comment(r.name)}`;
}

function l4Matches(proto: RedirectModel['proto'], sport: PortRange | undefined, dport: PortRange | undefined): string[] {
  if (proto === 'any') return [];
  const m: string[] = [];
  if (sport) m.push(`${proto} sport ${portText(sport)}`);
  if (dport) m.push(`${proto} dport ${portText(dport)}`);
  if (!m.length) m.push(`meta l4proto ${proto}`);
  return m;
}

const dnatTarget = (r: RedirectModel): string => `${r.destIp}${r.destPort ? `:${portText(r.destPort)}` : ''}`;

/** The DNAT of a redirect, for dstnat_<src zone>. */
export function redirectLine(r: RedirectModel): string {
  const m = ['meta nfproto ipv4'];
  if (r.srcIp !== undefined) m.push(`ip saddr ${r.srcIp}`);
  if (r.srcDip !== undefined) m.push(`ip daddr ${r.srcDip}`);
  m.push(...l4Matches(r.proto, r.srcPort, r.srcDport));
  return `${m.join(' ')} counter dnat ip to ${dnatTarget(r)} ${comment(r.name)}`;
}

/** Hairpin DNAT for dstnat_<reflection zone>. */
export function reflectionDnatLine(r: RedirectModel, x: ReflectionModel): string {
  const m = ['meta nfproto ipv4', `ip saddr ${valueSet(x.internal)}`, `ip daddr ${valueSet(x.external)}`,
    ...l4Matches(r.proto, undefined, r.srcDport)];
  return `${m.join(' ')} counter dnat ip to ${dnatTarget(r)} ${comment(`${r.name} (reflection)`)}`;
}

/** Hairpin SNAT for srcnat_<reflection zone>. */
export function reflectionSnatLine(r: RedirectModel, x: ReflectionModel): string {
  const m = ['meta nfproto ipv4', `ip saddr ${valueSet(x.internal)}`, `ip daddr ${r.destIp}`,
    ...l4Matches(r.proto, undefined, r.destPort)];
  return `${m.join(' ')} counter snat ip to ${x.snat} ${comment(`${r.name} (reflection)`)}`;
}
