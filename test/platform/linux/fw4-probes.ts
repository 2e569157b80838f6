// Test helper: probe packets through a ruleset the way the kernel would route them on the vectors'
// gateway. A probe goes from an endpoint (a gateway device, meaning a host behind it, or "local",
// the gateway itself) to another; the flow is: nat prerouting (DNAT, new flows only), routing on
// the gateway's addresses (its own address → input, a subnet → that device, else wan's default
// route), filter input/forward/output, and nat postrouting (SNAT/masquerade) for accepted new
// flows. The outcome is a short string, so two rulesets are equivalent for a probe when the
// strings are equal.
import { type Packet, type Table, type Verdict, evalHook } from './nft-eval.js';
import type { DumpInterface } from './vectors.js';

export interface Endpoint {
  dev: string;
  gw: string;
  prefix: number;
  /** A host behind the device: in its subnet, or (wan) somewhere on the Internet. */
  host: string;
}

export interface Topology {
  endpoints: Endpoint[];
  defaultDev: string;
}

export interface Probe {
  from: string;
  to: string;
  family: 4 | 6;
  l4: Packet['l4'];
  dport?: number;
  icmpType?: number;
  state: 'new' | 'established';
  /** Destination address instead of the `to` endpoint's (a gateway address, for redirects). */
  daddr?: string;
}

const num = (ip: string): number => ip.split('.').reduce((a, x) => a * 256 + Number(x), 0);
const ip = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
const inNet = (a: string, net: string, prefix: number): boolean => {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return ((num(a) & mask) >>> 0) === ((num(net) & mask) >>> 0);
};

export const INTERNET_HOST = '198.51.100.7';

/** The gateway of a vector case: its up interfaces with addresses, wan as the default route. */
export function topologyOf(dump: readonly DumpInterface[]): Topology {
  const endpoints: Endpoint[] = [];
  let defaultDev = '';
  for (const i of dump) {
    const dev = i.l3_device ?? i.device;
    const a = i['ipv4-address']?.[0];
    if (!i.up || !dev || dev === 'lo' || !a) continue;
    const mask = a.mask === 0 ? 0 : (0xffffffff << (32 - a.mask)) >>> 0;
    const net = (num(a.address) & mask) >>> 0;
    const host = ip(net + 1) === a.address ? ip(net + 100) : ip(net + 1);
    if (i.interface === 'wan') defaultDev = dev;
    endpoints.push({ dev, gw: a.address, prefix: a.mask, host: i.interface === 'wan' ? INTERNET_HOST : host });
  }
  return { endpoints, defaultDev };
}

function route(t: Topology, daddr: string): Endpoint | 'local' {
  if (t.endpoints.some((e) => e.gw === daddr)) return 'local';
  return t.endpoints.find((e) => inNet(daddr, e.gw, e.prefix)) ?? t.endpoints.find((e) => e.dev === t.defaultDev)!;
}

const show = (v: Verdict | undefined): string => {
  if (!v) return 'none';
  if (v.kind === 'reject') return `reject(${v.with})`;
  if (v.kind === 'dnat' || v.kind === 'snat') return `${v.kind} ${v.to}`;
  return v.kind;
};

export interface Outcome {
  /** `input`, `forward>br-pd1w`, `output>eth1`. */
  path: string;
  text: string;
  /** The packet touched a device the paradrop scope decides for (after DNAT). */
  iif: string;
  oif: string;
}

export function runProbe(tables: readonly Table[], t: Topology, pr: Probe): Outcome {
  const p: Packet = {
    iif: '', oif: '', family: pr.family, l4: pr.l4, sport: 40000, ct: pr.state, dnat: false,
    ...(pr.dport !== undefined ? { dport: pr.dport } : {}),
    ...(pr.icmpType !== undefined ? { icmpType: pr.icmpType } : {}),
  };
  const fromEp = pr.from === 'local' ? undefined : t.endpoints.find((e) => e.dev === pr.from);
  if (pr.from !== 'local' && !fromEp) throw new Error(`no endpoint ${pr.from}`);
  if (fromEp) p.iif = fromEp.dev;

  if (pr.family === 6) {
    // No IPv6 addresses in the vectors: the path is given, only filter hooks are consulted.
    p.oif = pr.to === 'local' ? '' : pr.to;
    const hook = !fromEp ? 'output' : pr.to === 'local' ? 'input' : 'forward';
    return { path: hook, text: `${hook} ${show(evalHook(tables, 'filter', hook, p))}`, iif: p.iif, oif: p.oif };
  }

  const toEp = pr.to === 'local' ? undefined : t.endpoints.find((e) => e.dev === pr.to);
  p.daddr = pr.daddr ?? (toEp ? toEp.host : fromEp!.gw);
  const notes: string[] = [];
  if (fromEp) {
    p.saddr = fromEp.host;
    if (pr.state === 'new') {
      const v = evalHook(tables, 'nat', 'prerouting', p);
      if (v?.kind === 'dnat') {
        const [addr, port] = v.to.split(':');
        p.daddr = addr!;
        if (port !== undefined) p.dport = Number(port);
        p.dnat = true;
        notes.push(`dnat ${v.to}`);
      } else if (v) notes.push(`prerouting ${show(v)}`);
    }
  }
  const dest = route(t, p.daddr);
  let hook: string;
  if (dest === 'local') {
    if (!fromEp) throw new Error('local to local');
    hook = 'input';
  } else {
    p.oif = dest.dev;
    hook = fromEp ? 'forward' : 'output';
    if (!fromEp) p.saddr = dest.gw;
  }
  const verdict = evalHook(tables, 'filter', hook, p);
  notes.unshift(`${hook}${p.oif ? `>${p.oif}` : ''} ${show(verdict)}`);
  if (dest !== 'local' && verdict?.kind === 'accept' && pr.state === 'new') {
    const v = evalHook(tables, 'nat', 'postrouting', p);
    if (v) notes.push(show(v));
  }
  return { path: hook, text: notes.join(', '), iif: p.iif, oif: p.oif };
}

interface Service { l4: Packet['l4']; dport?: number; icmpType?: number }

const BASE_SERVICES: Service[] = [
  { l4: 'tcp', dport: 22 }, { l4: 'tcp', dport: 53 }, { l4: 'udp', dport: 53 }, { l4: 'udp', dport: 67 },
  { l4: 'udp', dport: 68 }, { l4: 'tcp', dport: 80 }, { l4: 'tcp', dport: 443 }, { l4: 'tcp', dport: 5000 },
  { l4: 'udp', dport: 5000 }, { l4: 'tcp', dport: 5001 }, { l4: 'tcp', dport: 8080 },
  { l4: 'icmp', icmpType: 8 }, { l4: 'icmp', icmpType: 3 },
];

/** Ports named by the case's firewall (dest_port, src_dport), each as tcp and udp, low and high end. */
function servicesOf(firewall: string): Service[] {
  const out: Service[] = [...BASE_SERVICES];
  for (const m of firewall.matchAll(/option (?:dest_port|src_dport) '(\d+)(?:-(\d+))?'/g)) {
    for (const port of [Number(m[1]), Number(m[2] ?? m[1])]) {
      for (const l4 of ['tcp', 'udp'] as const) if (!out.some((s) => s.l4 === l4 && s.dport === port)) out.push({ l4, dport: port });
    }
  }
  return out;
}

/** Every probe of a case: all endpoint pairs × services × states, redirects to every gateway address, IPv6. */
export function probesOf(t: Topology, firewall: string): Probe[] {
  const ends = [...t.endpoints.map((e) => e.dev), 'local'];
  const services = servicesOf(firewall);
  const out: Probe[] = [];
  for (const from of ends) {
    for (const to of ends) {
      if (from === to) continue;
      for (const s of services) for (const state of ['new', 'established'] as const) out.push({ from, to, family: 4, state, ...s });
      out.push({ from, to, family: 6, state: 'new', l4: 'ipv6-icmp', icmpType: 128 });
      out.push({ from, to, family: 6, state: 'new', l4: 'tcp', dport: 22 });
    }
  }
  for (const e of t.endpoints) {
    for (const g of t.endpoints) {
      for (const s of services.filter((x) => x.dport !== undefined)) out.push({ from: e.dev, to: 'local', daddr: g.gw, family: 4, state: 'new', ...s });
    }
  }
  return out;
}

export const probeName = (p: Probe): string =>
  `${p.from}->${p.to}${p.daddr ? `(${p.daddr})` : ''} v${p.family} ${p.l4}${p.dport ?? ''}${p.icmpType !== undefined ? `/${p.icmpType}` : ''} ${p.state}`;
