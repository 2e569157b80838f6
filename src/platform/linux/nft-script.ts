// toNftScript: the NetModel's firewall as ONE nftables table, `inet paradrop`, in a script that
// replaces the table atomically (`table` + `delete table` + the full definition in one `nft -f`
// transaction: if anything fails, the old table stays). Pure.
//
// Co-existence (scope 'paradrop', the default): a plain Linux gateway has its own firewall and NAT
// for its lan and wan, which paradrop does not manage. Our base chains have policy accept and only
// decide for packets that touch a paradrop device: input from, output to, or forwarding from or to
// a br-pd* bridge (plus any other device a paradrop `pd_` zone names), and masquerading of what
// those bridges send. For those packets the whole fw4 chain structure applies, lan and wan zones
// included (as sources and destinations), so their verdicts equal fw4's. The redirects' DNAT
// (dstnat_<zone>) applies as in fw4: it only takes the redirect ports. Everything else passes
// through our table untouched, for the gateway's own rules to decide. Note that an accept here
// cannot override another table's drop (e.g. Docker's iptables FORWARD policy): chutes then need
// the gateway's own firewall to let their traffic through.
// Scope 'all' (for a gateway whose firewall paradrop owns, and for the equivalence tests): the
// same chains without the gate, base policies as fw4's defaults, i.e. fw4's behaviour for all
// traffic.
import type { NetModel, Policy, ZoneModel } from './model.js';
import { OWNED_BRIDGE_PREFIX } from './model.js';
import {
  nameSet, redirectLine, reflectionDnatLine, reflectionSnatLine, ruleChain, ruleLine,
} from './nft-rules.js';

export const TABLE_NAME = 'paradrop';
export type FirewallScope = 'paradrop' | 'all';

export interface NftOptions {
  scope?: FirewallScope;
}

interface Chain {
  hook?: string;
  rules: string[];
}

const ESTABLISHED = 'ct state established,related accept';
const POLICY_PREFIX: Record<Policy, string> = { accept: 'accept', reject: 'reject', drop: 'drop' };

/** Devices whose packets the paradrop scope decides about. */
export function ownedPatterns(model: NetModel): string[] {
  const extra = model.zones
    .filter((z) => z.section.startsWith('pd_'))
    .flatMap((z) => z.devices)
    .filter((d) => !d.startsWith(OWNED_BRIDGE_PREFIX));
  return [`${OWNED_BRIDGE_PREFIX}*`, ...new Set(extra)];
}

function finalVerdict(policy: Policy): string[] {
  if (policy === 'reject') return ['jump handle_reject'];
  if (policy === 'drop') return ['drop'];
  return [];
}

class TableBuilder {
  readonly chains = new Map<string, Chain>();
  /** Chains something jumps to: the zone verdict chains are emitted only when used. */
  readonly wanted = new Set<string>();

  chain(name: string, hook?: string): Chain {
    let c = this.chains.get(name);
    if (!c) {
      c = hook === undefined ? { rules: [] } : { hook, rules: [] };
      this.chains.set(name, c);
    }
    return c;
  }

  add(name: string, ...rules: string[]): void {
    this.chain(name).rules.push(...rules);
    for (const r of rules) {
      const m = /\bjump (\S+)/.exec(r);
      if (m) this.wanted.add(m[1]!);
    }
  }
}

function zoneChains(t: TableBuilder, model: NetModel, z: ZoneModel, dnatZones: Set<string>): void {
  const devs = nameSet(z.devices);
  const dnat = dnatZones.has(z.name);
  t.chain(`input_${z.name}`);
  t.chain(`output_${z.name}`);
  t.chain(`forward_${z.name}`);
  if (dnat) t.add(`input_${z.name}`, 'ct status dnat accept');
  if (dnat) t.add(`forward_${z.name}`, 'ct status dnat accept');
  for (const r of model.rules) {
    const chain = ruleChain(r);
    if (chain === `input_${z.name}` || chain === `forward_${z.name}` || chain === `output_${z.name}`) t.add(chain, ruleLine(r));
  }
  for (const f of model.forwardings.filter((x) => x.src === z.name)) t.add(`forward_${z.name}`, `jump accept_to_${f.dest}`);
  t.add(`input_${z.name}`, `jump ${POLICY_PREFIX[z.input]}_from_${z.name}`);
  t.add(`output_${z.name}`, `jump ${POLICY_PREFIX[z.output]}_to_${z.name}`);
  t.add(`forward_${z.name}`, `jump ${POLICY_PREFIX[z.forward]}_to_${z.name}`);
  if (!z.devices.length) return;
  // Verdict chains, matched on the zone's devices; the caller drops the ones nothing jumps to.
  t.add(`accept_from_${z.name}`, `iifname ${devs} counter accept`);
  t.add(`reject_from_${z.name}`, `iifname ${devs} counter jump handle_reject`);
  t.add(`drop_from_${z.name}`, `iifname ${devs} counter drop`);
  if (z.masq && !z.masqAllowInvalid) t.add(`accept_to_${z.name}`, `meta nfproto ipv4 oifname ${devs} ct state invalid counter drop`);
  t.add(`accept_to_${z.name}`, `oifname ${devs} counter accept`);
  t.add(`reject_to_${z.name}`, `oifname ${devs} counter jump handle_reject`);
  t.add(`drop_to_${z.name}`, `oifname ${devs} counter drop`);
}

function render(t: TableBuilder): string {
  const lines = [`table inet ${TABLE_NAME} {`];
  // A jump to a chain that was never filled (a zone without devices) must still find a chain.
  for (const name of t.wanted) t.chain(name);
  for (const [name, c] of t.chains) {
    if (c.hook === undefined && !t.wanted.has(name)) continue;
    lines.push(`\tchain ${name} {`);
    if (c.hook !== undefined) lines.push(`\t\t${c.hook}`);
    for (const r of c.rules) lines.push(`\t\t${r}`);
    lines.push('\t}');
  }
  lines.push('}');
  return lines.join('\n');
}

/** The nft table alone (what `nft list table` would show, modulo nft's own formatting). */
export function toNftTable(model: NetModel, opts: NftOptions = {}): string {
  const scoped = (opts.scope ?? 'paradrop') === 'paradrop';
  const d = model.defaults;
  const t = new TableBuilder();
  const gate = ownedPatterns(model);
  const basePolicy = (p: Policy) => (scoped || p === 'accept' ? 'accept' : 'drop');
  t.chain('input', `type filter hook input priority filter; policy ${basePolicy(d.input)};`);
  t.chain('forward', `type filter hook forward priority filter; policy ${basePolicy(d.forward)};`);
  t.chain('output', `type filter hook output priority filter; policy ${basePolicy(d.output)};`);
  t.chain('dstnat', 'type nat hook prerouting priority dstnat; policy accept;');
  t.chain('srcnat', 'type nat hook postrouting priority srcnat; policy accept;');
  t.chain('mangle_forward', 'type filter hook forward priority mangle; policy accept;');
  if (scoped) {
    for (const g of gate) {
      t.add('input', `iifname ${nameSet([g])} jump pd_input`);
      t.add('forward', `iifname ${nameSet([g])} jump pd_forward`, `oifname ${nameSet([g])} jump pd_forward`);
      t.add('output', `oifname ${nameSet([g])} jump pd_output`);
      t.add('srcnat', `iifname ${nameSet([g])} jump pd_srcnat`, `oifname ${nameSet([g])} jump pd_srcnat`);
      t.add('mangle_forward', `iifname ${nameSet([g])} jump pd_mangle`, `oifname ${nameSet([g])} jump pd_mangle`);
    }
  } else {
    t.add('input', 'iif "lo" accept', 'jump pd_input');
    t.add('forward', 'jump pd_forward');
    t.add('output', 'oif "lo" accept', 'jump pd_output');
    t.add('srcnat', 'jump pd_srcnat');
    t.add('mangle_forward', 'jump pd_mangle');
  }
  const invalid = d.dropInvalid ? ['ct state invalid counter drop'] : [];
  t.add('pd_input', ESTABLISHED, ...invalid);
  if (d.synFlood) t.add('pd_input', 'tcp flags & (fin | syn | rst | ack) == syn jump syn_flood');
  t.add('pd_forward', ESTABLISHED, ...invalid);
  t.add('pd_output', ESTABLISHED, ...invalid);
  for (const r of model.rules) {
    const chain = ruleChain(r);
    if (chain === 'input' || chain === 'forward' || chain === 'output') t.add(`pd_${chain}`, ruleLine(r));
  }
  const zones = model.zones.filter((z) => z.devices.length);
  for (const z of zones) {
    t.add('pd_input', `iifname ${nameSet(z.devices)} jump input_${z.name}`);
    t.add('pd_forward', `iifname ${nameSet(z.devices)} jump forward_${z.name}`);
    t.add('pd_output', `oifname ${nameSet(z.devices)} jump output_${z.name}`);
  }
  t.add('pd_input', ...finalVerdict(d.input));
  t.add('pd_forward', ...finalVerdict(d.forward));
  t.add('pd_output', ...finalVerdict(d.output));
  t.add('handle_reject', 'meta l4proto tcp reject with tcp reset', 'reject with icmpx type port-unreachable');
  if (d.synFlood) t.add('syn_flood', 'limit rate 25/second burst 50 packets return', 'drop');

  // Which zones accept DNATed flows: redirect sources, and reflection zones.
  const dnatZones = new Set<string>();
  for (const r of model.redirects) {
    dnatZones.add(r.src);
    for (const x of r.reflections) dnatZones.add(x.zone);
  }
  for (const z of model.zones) zoneChains(t, model, z, dnatZones);

  // NAT: DNAT per source zone, hairpins per reflection zone, masquerade per masq zone (IPv4 only).
  for (const r of model.redirects) {
    t.add(`dstnat_${r.src}`, redirectLine(r));
    for (const x of r.reflections) {
      t.add(`dstnat_${x.zone}`, reflectionDnatLine(r, x));
      t.add(`srcnat_${x.zone}`, reflectionSnatLine(r, x));
    }
  }
  for (const z of model.zones.filter((x) => x.masq)) t.add(`srcnat_${z.name}`, 'meta nfproto ipv4 counter masquerade');
  for (const z of zones) {
    if (t.chains.has(`dstnat_${z.name}`)) t.add('dstnat', `iifname ${nameSet(z.devices)} jump dstnat_${z.name}`);
    if (t.chains.has(`srcnat_${z.name}`)) t.add('pd_srcnat', `oifname ${nameSet(z.devices)} jump srcnat_${z.name}`);
    if (z.mtuFix) {
      const clamp = 'tcp flags syn / syn,fin,rst tcp option maxseg size set rt mtu';
      t.add('pd_mangle', `iifname ${nameSet(z.devices)} ${clamp}`, `oifname ${nameSet(z.devices)} ${clamp}`);
    }
  }
  return render(t);
}

/** The script for `nft -f`: create-if-missing, delete, define; one atomic transaction. */
export function toNftScript(model: NetModel, opts: NftOptions = {}): string {
  return `table inet ${TABLE_NAME} {\n}\ndelete table inet ${TABLE_NAME}\n${toNftTable(model, opts)}\n`;
}
