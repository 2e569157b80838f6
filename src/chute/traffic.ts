// Validates `traffic` (the chapter's Chute.traffic, Figure 1.8): port forwards from a gateway network
// into the chute. Pure. Two spellings of one rule:
//   {"name": "Web", "rule": "@net.traffic.redirect(@net.host.lan:*:5000, wifi:10.100.13.1:80)"}
//   {"name": "Web", "type": "redirect", "from": "lan", "port": 5000, "to": "wifi", "toPort": 80}
// In the explicit form `type` defaults to "redirect", `fromAddress` to "*", `toAddress` to the
// chute's ipaddr on `to`, `toPort` to `port`; both forms take `proto` ("tcp" by default, "udp",
// "tcp udp") and `description`. Invariants of the result: names are unique; the destination is an
// interface of struct.net and the chute's own address on it; ports are 1..65535; no two
// rules take the same gateway-side port. When the interface has no ipaddr (its subnet comes from the
// gateway's pool at install) the rule cannot name the address: write "*" in the macro (or leave
// toAddress out) and the result has no to.address; src/plan fills it in.
import type { Proto, TrafficRule } from './types.js';
import { type Obj, type Suggested, checkFields, expectInteger, expectList, expectObject, expectString, has, requireField, wrongType } from './check.js';
import { type ProblemList, indexPath, joinPath, show } from './problems.js';
import { HOST_LAN, HOST_WAN, REDIRECT, isMacro, reportBadMacro, splitMacro, splitRedirect } from './macros.js';
import { parseIpv4 } from './ipv4.js';
import type { IfaceFacts } from './struct.js';
import { didYouMean } from './suggest.js';

const EXPLICIT_FIELDS = ['type', 'from', 'fromAddress', 'port', 'to', 'toAddress', 'toPort'] as const;
const RULE_FIELDS = ['name', 'description', 'rule', 'proto', ...EXPLICIT_FIELDS] as const;
const PROTOS: Record<string, Proto> = { tcp: 'tcp', udp: 'udp', 'tcp udp': 'tcp udp', tcpudp: 'tcp udp' };
const PORT_RULE = { min: 1, max: 65535, describe: 'a port number from 1 to 65535' };
const NETWORKS = ['lan', 'wan'] as const;
const RULE_SHAPE = `${REDIRECT}(${HOST_LAN}:*:PORT, IFACE:ADDRESS:PORT)`;

type Side = 'from' | 'to';
type Endpoint = Partial<TrafficRule['from'] & TrafficRule['to']>;

export function parseTraffic(raw: unknown, path: string, problems: ProblemList, ifaces: Map<string, IfaceFacts>): TrafficRule[] {
  const list = expectList(raw, path, problems, 'a list of traffic rules');
  if (!list) return [];
  const out: TrafficRule[] = [];
  const names = new Map<string, string>();
  const taken: Array<{ rule: TrafficRule; where: string }> = [];
  list.forEach((item, i) => {
    const itemPath = indexPath(path, i);
    const obj = expectObject(item, itemPath, problems);
    if (!obj) return;
    const rule = parseRule(obj, itemPath, problems, ifaces);
    if (!rule) return;
    const other = names.get(rule.name);
    if (other !== undefined) {
      problems.invalid(joinPath(itemPath, 'name'), rule.name, `${show(rule.name)} is already the name of ${other}`,
        'a name unique among the traffic rules');
      return;
    }
    names.set(rule.name, itemPath);
    const clash = taken.find((t) => t.rule.from.network === rule.from.network && t.rule.from.port === rule.from.port
      && sharesProto(t.rule.proto, rule.proto));
    if (clash) {
      problems.invalid(itemPath, rule.from.port, `${rule.from.network} port ${rule.from.port} is already forwarded by ${clash.where}`,
        'one rule per gateway port');
      return;
    }
    taken.push({ rule, where: itemPath });
    out.push(rule);
  });
  return out;
}

function sharesProto(a: Proto, b: Proto): boolean {
  return a === b || a === 'tcp udp' || b === 'tcp udp';
}

function parseRule(obj: Obj, path: string, problems: ProblemList, ifaces: Map<string, IfaceFacts>): TrafficRule | undefined {
  const before = problems.count;
  const suggested = checkFields(obj, path, RULE_FIELDS, problems);
  const nameRaw = requireField(obj, 'name', path, problems, suggested, 'a string');
  const name = nameRaw === undefined ? undefined : expectString(nameRaw, joinPath(path, 'name'), problems, { max: 64, plain: true });
  let description: string | undefined;
  if (has(obj, 'description')) {
    description = expectString(obj.description, joinPath(path, 'description'), problems, { max: 1024, plain: true });
  }
  const proto = parseProto(obj, path, problems);
  const explicit = EXPLICIT_FIELDS.filter((f) => has(obj, f));
  let ends: { from: Endpoint; to: Endpoint } | undefined;
  if (has(obj, 'rule')) {
    if (explicit.length > 0) {
      problems.invalid(joinPath(path, explicit[0]!), obj[explicit[0]!],
        `give either "rule" or the fields ${EXPLICIT_FIELDS.map((f) => `"${f}"`).join(', ')}, not both`, 'one spelling of the rule');
    } else {
      ends = parseRuleMacro(obj.rule, joinPath(path, 'rule'), problems, ifaces);
    }
  } else if (explicit.length === 0 && !suggested.has('rule')) {
    problems.addAt('FIELD_MISSING', joinPath(path, 'rule'), path, `missing field "rule" (expected ${RULE_SHAPE}, or the fields "from", "port", "to")`,
      { expected: RULE_SHAPE });
  } else if (explicit.length > 0) {
    ends = parseExplicit(obj, path, problems, ifaces, suggested);
  }
  if (problems.count !== before || name === undefined || !ends || proto === undefined) return undefined;
  const { from, to } = ends;
  // Missing pieces here mean a problem reported elsewhere (an invalid struct.net ipaddr).
  if (from.network === undefined || from.address === undefined || from.port === undefined
    || to.iface === undefined || to.port === undefined) return undefined;
  const rule: TrafficRule = {
    name,
    kind: 'redirect',
    from: { network: from.network, address: from.address, port: from.port },
    to: to.address === undefined ? { iface: to.iface, port: to.port } : { iface: to.iface, address: to.address, port: to.port },
    proto,
  };
  if (description !== undefined) rule.description = description;
  return rule;
}

function parseProto(obj: Obj, path: string, problems: ProblemList): Proto | undefined {
  if (!has(obj, 'proto')) return 'tcp';
  const value = obj.proto;
  const key = typeof value === 'string' ? value.toLowerCase() : undefined;
  if (key !== undefined && Object.hasOwn(PROTOS, key)) return PROTOS[key];
  problems.invalid(joinPath(path, 'proto'), value, `${show(value)} is not a protocol (expected "tcp", "udp" or "tcp udp")`,
    '"tcp", "udp" or "tcp udp"');
  return undefined;
}

function parseRuleMacro(raw: unknown, path: string, problems: ProblemList, ifaces: Map<string, IfaceFacts>):
  { from: Endpoint; to: Endpoint } | undefined {
  const text = expectString(raw, path, problems);
  if (text === undefined) return undefined;
  const call = isMacro(text) ? splitMacro(text) : undefined;
  if (!isMacro(text)) {
    problems.invalid(path, text, `${show(text)} is not a traffic rule (expected ${RULE_SHAPE})`, RULE_SHAPE);
    return undefined;
  }
  if (call?.name !== REDIRECT || call.args === undefined) {
    reportBadMacro(problems, path, text, [`${REDIRECT}(SRC, DST)`]);
    return undefined;
  }
  const split = splitRedirect(call.args);
  if (!split.ok) {
    problems.invalid(path, text, `${REDIRECT} ${split.reason}`, RULE_SHAPE);
    return undefined;
  }
  const before = problems.count;
  const from: Endpoint = {};
  const { host, address, port } = split.from;
  const srcText = `${host}:${address}:${port}`;
  if (host === HOST_LAN || host === HOST_WAN) from.network = host === HOST_LAN ? 'lan' : 'wan';
  else if (isMacro(host)) reportBadMacro(problems, path, host, [HOST_LAN, HOST_WAN]);
  else problems.invalid(path, srcText, `the source ${show(srcText)} must start with ${HOST_LAN} or ${HOST_WAN}`, `${HOST_LAN} or ${HOST_WAN}`);
  from.address = checkSourceAddress(address, path, `the source address ${show(address)}`, problems);
  from.port = checkPortText(port, path, 'source', problems);
  const to = checkDestination(split.to.host, split.to.address, path, problems, ifaces);
  to.port = checkPortText(split.to.port, path, 'destination', problems);
  return problems.count === before ? { from, to } : undefined;
}

/** Decimal without a leading zero: "05000" reads as 5000 to some tools and as octal 2560 to others. */
function checkPortText(text: string, path: string, side: string, problems: ProblemList): number | undefined {
  const n = /^[1-9]\d{0,4}$/.test(text) ? Number(text) : NaN;
  if (n >= 1 && n <= 65535) return n;
  const why = /^0\d+$/.test(text) ? 'has a leading zero (expected a port number from 1 to 65535, e.g. 5000)'
    : 'is not a port number from 1 to 65535';
  problems.invalid(path, text, `the ${side} port ${show(text)} ${why}`, '1..65535');
  return undefined;
}

function checkSourceAddress(text: string, path: string, what: string, problems: ProblemList): string | undefined {
  if (text === '*') return '*';
  const r = parseIpv4(text);
  if (r.ok) return text;
  problems.invalid(path, text, `${what} is neither "*" nor an IPv4 address (${r.reason})`, '"*" or an IPv4 address');
  return undefined;
}

/** The destination must be an interface of the chute and the chute's own fixed address on it. */
function checkDestination(iface: string, address: string | undefined, path: string, problems: ProblemList,
  ifaces: Map<string, IfaceFacts>): Endpoint {
  const names = [...ifaces.keys()];
  const facts = ifaces.get(iface);
  if (facts === undefined) {
    problems.invalid(path, iface, `the destination ${show(iface)} is not an interface of struct.net${didYouMean(iface, names)} (interfaces: ${names.join(', ') || 'none'})`,
      'an interface of struct.net');
    return {};
  }
  if (!facts.addressGiven) {
    // The subnet comes from the gateway's pool at install: "*" stands for the chute's address there.
    if (address === undefined || address === '*') return { iface };
    problems.invalid(path, address, `the destination address ${show(address)} cannot be checked: ${show(iface)} has no ipaddr in struct.net (write "*" for the chute's address from the pool)`,
      `"*" or the chute's address on ${iface}`);
    return {};
  }
  // An invalid ipaddr is reported under struct; do not cascade.
  if (facts.ipaddr === undefined) return {};
  if (address !== undefined && address !== '*' && address !== facts.ipaddr) {
    problems.invalid(path, address, `the destination address ${show(address)} is not the chute's address on ${show(iface)} (${facts.ipaddr})`,
      `the chute's address on ${iface}`);
    return {};
  }
  return { iface, address: facts.ipaddr };
}

function parseExplicit(obj: Obj, path: string, problems: ProblemList, ifaces: Map<string, IfaceFacts>, suggested: Suggested):
  { from: Endpoint; to: Endpoint } | undefined {
  const before = problems.count;
  if (has(obj, 'type') && obj.type !== 'redirect') {
    problems.invalid(joinPath(path, 'type'), obj.type, `${show(obj.type)} is not a rule type (expected "redirect")`, '"redirect"');
  }
  const from: Endpoint = { address: '*' };
  const network = requireField(obj, 'from', path, problems, suggested, '"lan" or "wan"');
  if (network !== undefined) {
    if (network === 'lan' || network === 'wan') from.network = network;
    else problems.invalid(joinPath(path, 'from'), network, `${show(network)} is not a gateway network${typeof network === 'string' ? didYouMean(network, NETWORKS) : ''} (expected "lan" or "wan")`, '"lan" or "wan"');
  }
  if (has(obj, 'fromAddress')) {
    const p = joinPath(path, 'fromAddress');
    if (typeof obj.fromAddress === 'string') from.address = checkSourceAddress(obj.fromAddress, p, show(obj.fromAddress), problems);
    else wrongType(problems, p, obj.fromAddress, '"*" or an IPv4 address');
  }
  const port = requireField(obj, 'port', path, problems, suggested, 'the gateway-side port');
  if (port !== undefined) from.port = expectInteger(port, joinPath(path, 'port'), problems, PORT_RULE);
  let to: Endpoint = {};
  const iface = requireField(obj, 'to', path, problems, suggested, 'an interface of struct.net');
  if (iface !== undefined) {
    const toPath = joinPath(path, 'to');
    const name = expectString(iface, toPath, problems);
    let address: string | undefined;
    if (has(obj, 'toAddress')) address = expectString(obj.toAddress, joinPath(path, 'toAddress'), problems);
    if (name !== undefined) to = checkDestination(name, address, toPath, problems, ifaces);
  }
  to.port = has(obj, 'toPort') ? expectInteger(obj.toPort, joinPath(path, 'toPort'), problems, PORT_RULE) : from.port;
  return problems.count === before ? { from, to } : undefined;
}
