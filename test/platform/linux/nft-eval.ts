// Test helper: a small nftables evaluator over the subset that fw4's rulesets and our table use
// (README of ../shared/vectors/fw4: iifname/oifname, meta nfproto/l4proto, tcp/udp ports, ip
// saddr/daddr, icmp type, ct state/status, limit, jump/goto/return, accept, reject, drop, dnat,
// snat, masquerade). It parses ruleset text into tables of chains and runs one packet through the
// base chains of a hook in priority order. Anything outside the subset throws, so a rule we do not
// understand can never be silently skipped. fw4's conntrack-helper blocks, helper_* chains and the
// jumps to them are dropped before evaluation, as the README says (they vary by kernel).

export interface Packet {
  iif: string;
  oif: string;
  family: 4 | 6;
  l4: 'tcp' | 'udp' | 'icmp' | 'ipv6-icmp';
  saddr?: string;
  daddr?: string;
  sport?: number;
  dport?: number;
  icmpType?: number;
  ct: 'new' | 'established' | 'related' | 'invalid';
  /** ct status dnat */
  dnat: boolean;
}

export type Verdict =
  | { kind: 'accept' }
  | { kind: 'drop' }
  | { kind: 'reject'; with: string }
  | { kind: 'dnat'; to: string }
  | { kind: 'snat'; to: string }
  | { kind: 'masquerade' };

type Step = { kind: 'match'; test: (p: Packet) => boolean } | { kind: 'noop' } | { kind: 'return' }
  | { kind: 'jump'; chain: string; goto: boolean } | { kind: 'verdict'; v: Verdict }
  | { kind: 'vmap'; map: Map<string, Verdict> };

interface Chain {
  base?: { type: string; hook: string; priority: number; policy: 'accept' | 'drop' };
  rules: Step[][];
}

export interface Table {
  name: string;
  chains: Map<string, Chain>;
}

const PRIORITIES: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };

function tokenize(line: string): string[] {
  const out: string[] = [];
  const re = /"[^"]*"|[{},]|[^\s{},]+/g;
  for (const m of line.matchAll(re)) out.push(m[0]);
  return out;
}

const unquote = (s: string): string => (s.startsWith('"') ? s.slice(1, -1) : s);

function ipToNum(ip: string): number | undefined {
  const p = ip.split('.');
  if (p.length !== 4) return undefined;
  return p.reduce((a, x) => a * 256 + Number(x), 0);
}

function addrMatches(value: string, addr: string | undefined): boolean {
  if (addr === undefined) return false;
  const [net, bits] = value.split('/');
  const a = ipToNum(addr);
  const n = ipToNum(net!);
  if (a === undefined || n === undefined) return false;
  const prefix = bits === undefined ? 32 : Number(bits);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return ((a & mask) >>> 0) === ((n & mask) >>> 0);
}

function nameMatches(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

const ICMP_NAMES: Record<string, number> = { 'echo-reply': 0, 'destination-unreachable': 3, 'echo-request': 8, 'time-exceeded': 11 };
const ICMPV6_NAMES: Record<string, number> = { 'echo-request': 128, 'echo-reply': 129 };

class RuleParser {
  private i = 0;
  constructor(private readonly t: string[], private readonly line: string) {}

  private next(): string {
    const x = this.t[this.i++];
    if (x === undefined) throw new Error(`nft-eval: unexpected end of rule: ${this.line}`);
    return x;
  }
  private peek(): string | undefined {
    return this.t[this.i];
  }

  /** A value or an anonymous set `{ a, b }`. */
  private values(): string[] {
    if (this.peek() !== '{') return [unquote(this.next())];
    this.next();
    const out: string[] = [];
    for (;;) {
      const x = this.next();
      if (x === '}') return out;
      if (x !== ',') out.push(unquote(x));
    }
  }

  private match(test: (p: Packet) => boolean): Step {
    if (this.peek() === '!=') {
      this.next();
      return { kind: 'match', test: (p) => !test(p) };
    }
    if (this.peek() === '==') this.next();
    return { kind: 'match', test };
  }

  private opAndValues(): { neg: boolean; vals: string[] } {
    let neg = false;
    if (this.peek() === '!=') { this.next(); neg = true; } else if (this.peek() === '==') this.next();
    return { neg, vals: this.values() };
  }

  private cmp(get: (p: Packet) => boolean, vals: string[], neg: boolean, has: (p: Packet, v: string) => boolean): Step {
    return { kind: 'match', test: (p) => get(p) && (vals.some((v) => has(p, v)) !== neg) };
  }

  parse(): Step[] {
    const steps: Step[] = [];
    while (this.i < this.t.length) {
      const w = this.next();
      switch (w) {
        case 'counter':
          if (this.peek() === 'packets') { this.next(); this.next(); this.next(); this.next(); }
          steps.push({ kind: 'noop' });
          break;
        case 'comment': this.next(); break;
        case 'iif': case 'iifname': case 'oif': case 'oifname': {
          const { neg, vals } = this.opAndValues();
          const field = w.startsWith('i') ? 'iif' : 'oif';
          steps.push(this.cmp(() => true, vals, neg, (p, v) => nameMatches(v, p[field])));
          break;
        }
        case 'meta': {
          const key = this.next();
          const { neg, vals } = this.opAndValues();
          if (key === 'nfproto') steps.push(this.cmp(() => true, vals, neg, (p, v) => `ipv${p.family}` === v));
          else if (key === 'l4proto') steps.push(this.cmp(() => true, vals, neg, (p, v) => p.l4 === v));
          else throw new Error(`nft-eval: meta ${key} unsupported: ${this.line}`);
          break;
        }
        case 'tcp': case 'udp': case 'th': {
          const key = this.next();
          if (key === 'dport' || key === 'sport') {
            const { neg, vals } = this.opAndValues();
            const port = key === 'dport' ? 'dport' : 'sport';
            steps.push(this.cmp((p) => (w === 'th' ? p.l4 === 'tcp' || p.l4 === 'udp' : p.l4 === w), vals, neg, (p, v) => {
              const [a, b] = v.split('-').map(Number);
              const x = p[port];
              return x !== undefined && x >= a! && x <= (b ?? a)!;
            }));
          } else if (key === 'flags') {
            // `tcp flags & (fin | syn | rst | ack) == syn` or `tcp flags syn / syn,fin,rst`: a new
            // connection's first packet.
            while (this.peek() !== undefined && !['jump', 'tcp', 'counter', 'accept', 'drop'].includes(this.peek()!)) this.next();
            steps.push({ kind: 'match', test: (p) => p.l4 === 'tcp' && p.ct === 'new' });
          } else if (key === 'option') {
            for (const x of ['maxseg', 'size', 'set', 'rt', 'mtu']) if (this.next() !== x) throw new Error(`nft-eval: tcp option: ${this.line}`);
            steps.push({ kind: 'noop' });
          } else throw new Error(`nft-eval: ${w} ${key} unsupported: ${this.line}`);
          break;
        }
        case 'ip': {
          const key = this.next();
          const { neg, vals } = this.opAndValues();
          const f = key === 'saddr' ? 'saddr' : key === 'daddr' ? 'daddr' : undefined;
          if (!f) throw new Error(`nft-eval: ip ${key} unsupported: ${this.line}`);
          steps.push(this.cmp((p) => p.family === 4, vals, neg, (p, v) => addrMatches(v, p[f])));
          break;
        }
        case 'icmp': case 'icmpv6': {
          if (this.next() !== 'type') throw new Error(`nft-eval: ${w}: ${this.line}`);
          const { neg, vals } = this.opAndValues();
          const names = w === 'icmp' ? ICMP_NAMES : ICMPV6_NAMES;
          const l4 = w === 'icmp' ? 'icmp' : 'ipv6-icmp';
          steps.push(this.cmp((p) => p.l4 === l4, vals, neg, (p, v) => p.icmpType === (names[v] ?? Number(v))));
          break;
        }
        case 'ct': {
          const key = this.next();
          if (key === 'state') {
            if (this.peek() === 'vmap') {
              this.next();
              const map = new Map<string, Verdict>();
              // `{ established : accept, related : accept }` reads as [key, ':', verdict] triples.
              const items = this.values();
              for (let k = 0; k + 2 < items.length; k += 3) {
                const v = items[k + 2];
                if (items[k + 1] !== ':' || (v !== 'accept' && v !== 'drop')) throw new Error(`nft-eval: vmap: ${this.line}`);
                map.set(items[k]!, { kind: v });
              }
              steps.push({ kind: 'vmap', map });
            } else {
              const { neg, vals } = this.opAndValues();
              while (this.peek() === ',') { this.next(); vals.push(this.next()); }
              steps.push(this.cmp(() => true, vals, neg, (p, v) => p.ct === v));
            }
          } else if (key === 'status') {
            const { neg, vals } = this.opAndValues();
            if (vals.some((v) => v !== 'dnat')) throw new Error(`nft-eval: ct status ${vals}: ${this.line}`);
            steps.push(this.match((p) => p.dnat !== neg));
          } else if (key === 'helper') {
            this.next(); this.next();
            steps.push({ kind: 'noop' });
          } else throw new Error(`nft-eval: ct ${key}: ${this.line}`);
          break;
        }
        case 'limit':
          // limit rate N/unit [burst N packets]: one probe never exceeds a rate.
          this.next(); this.next();
          if (this.peek() === 'burst') { this.next(); this.next(); this.next(); }
          break;
        case 'accept': case 'drop': steps.push({ kind: 'verdict', v: { kind: w } }); break;
        case 'return': steps.push({ kind: 'return' }); break;
        case 'jump': case 'goto': steps.push({ kind: 'jump', chain: this.next(), goto: w === 'goto' }); break;
        case 'reject': {
          let how = 'icmpx port-unreachable';
          if (this.peek() === 'with') {
            this.next();
            const kind = this.next();
            if (kind === 'tcp') { this.next(); how = 'tcp reset'; } else { this.next(); how = `${kind} ${this.next()}`; }
          }
          steps.push({ kind: 'verdict', v: { kind: 'reject', with: how } });
          break;
        }
        case 'dnat': case 'snat': {
          let x = this.next();
          if (x === 'ip') x = this.next();
          if (x === 'to') x = this.next();
          steps.push({ kind: 'verdict', v: { kind: w, to: x } });
          break;
        }
        case 'masquerade': steps.push({ kind: 'verdict', v: { kind: 'masquerade' } }); break;
        default: throw new Error(`nft-eval: unsupported token '${w}' in: ${this.line}`);
      }
    }
    return steps;
  }
}

/** Parses `nft -f` text or `nft list` output into tables (helpers left out). */
export function parseRuleset(text: string): Table[] {
  const tables: Table[] = [];
  const defines = new Map<string, string>();
  let table: Table | undefined;
  let chain: Chain | undefined;
  let skipDepth = 0;
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (skipDepth > 0) {
      if (line.endsWith('{')) skipDepth++;
      if (line === '}') skipDepth--;
      continue;
    }
    if (!table) {
      const m = /^table (\w+) (\S+) \{$/.exec(line);
      if (m) {
        table = { name: m[2]!, chains: new Map() };
        if (tables.some((x) => x.name === table!.name)) tables.splice(tables.findIndex((x) => x.name === table!.name), 1);
        tables.push(table);
      }
      continue; // `table x`, `flush table x`, `delete table x`
    }
    if (!chain) {
      if (line === '}') { table = undefined; continue; }
      if (line.startsWith('define ')) {
        const m = /^define (\S+) = (.*)$/.exec(line)!;
        defines.set(m[1]!, m[2]!);
        continue;
      }
      if (line.startsWith('include ')) continue;
      if (/^ct helper \S+ \{$/.test(line)) { skipDepth = 1; continue; }
      const m = /^chain (\S+) \{$/.exec(line);
      if (!m) throw new Error(`nft-eval: unexpected line in table: ${line}`);
      if (m[1]!.startsWith('helper_')) { skipDepth = 1; continue; }
      chain = { rules: [] };
      table.chains.set(m[1]!, chain);
      continue;
    }
    if (line === '}') { chain = undefined; continue; }
    const base = /^type (\w+) hook (\w+) priority ([\w-]+); policy (\w+);$/.exec(line);
    if (base) {
      const pr = base[3]!;
      chain.base = { type: base[1]!, hook: base[2]!, priority: PRIORITIES[pr] ?? Number(pr), policy: base[4] as 'accept' | 'drop' };
      continue;
    }
    if (/\bjump helper_/.test(line)) continue;
    line = line.replace(/\$(\w+)/g, (_, n: string) => defines.get(n) ?? `$${n}`);
    chain.rules.push(new RuleParser(tokenize(line), line).parse());
  }
  return tables;
}

type ChainResult = Verdict | { kind: 'continue' };

function runChain(table: Table, name: string, p: Packet, depth = 0): ChainResult {
  if (depth > 32) throw new Error(`nft-eval: jump depth exceeded at ${name}`);
  const chain = table.chains.get(name);
  if (!chain) throw new Error(`nft-eval: jump to missing chain ${name} in table ${table.name}`);
  for (const rule of chain.rules) {
    let matched = true;
    for (const step of rule) {
      if (step.kind === 'match') {
        if (!step.test(p)) { matched = false; break; }
      } else if (step.kind === 'noop') {
        continue;
      } else if (step.kind === 'return') {
        return { kind: 'continue' };
      } else if (step.kind === 'vmap') {
        const v = step.map.get(p.ct);
        if (v) return v;
        matched = false;
        break;
      } else if (step.kind === 'jump') {
        const r = runChain(table, step.chain, p, depth + 1);
        if (r.kind !== 'continue' || step.goto) return r;
        matched = false; // a jump that returned: go on with the next rule
        break;
      } else {
        return step.v;
      }
    }
    void matched;
  }
  return { kind: 'continue' };
}

/** Runs the packet through every base chain of `type`/`hook`, in priority order. */
export function evalHook(tables: readonly Table[], type: string, hook: string, p: Packet): Verdict | undefined {
  const bases: { table: Table; name: string; chain: Chain }[] = [];
  for (const table of tables) {
    for (const [name, chain] of table.chains) {
      if (chain.base?.type === type && chain.base.hook === hook) bases.push({ table, name, chain });
    }
  }
  bases.sort((a, b) => a.chain.base!.priority - b.chain.base!.priority);
  let nat: Verdict | undefined;
  for (const b of bases) {
    const r = runChain(b.table, b.name, p);
    const v: Verdict = r.kind === 'continue' ? { kind: b.chain.base!.policy } : r;
    if (v.kind === 'drop' || v.kind === 'reject') return v;
    if (v.kind === 'dnat' || v.kind === 'snat' || v.kind === 'masquerade') nat ??= v;
  }
  return type === 'nat' ? nat : { kind: 'accept' };
}
