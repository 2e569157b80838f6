// Traffic rules (@net.traffic.redirect) as UCI firewall `redirect` sections, and their port
// conflicts. A redirect is DNAT from a gateway zone (lan or wan) to the chute's address in the
// chute interface's zone. Its "accept" needs no rule of ours: fw4 adds `ct status dnat accept` to
// the source zone's input and forward chains, which lets every DNATed flow through before the
// destination zone's REJECT policies are consulted (vector redirect_lan_tcp). `reflection '0'`:
// NAT reflection would only add a hairpin inside the chute's own zone (plus `ct status dnat
// accept` in its chains) for the chute reaching the gateway's WAN address, which nothing needs.
// Conflicts: a rule may not take a port of one of the gateway's own services (same protocol; the
// services listen on every side), nor a source zone + protocol + port another rule already takes.
import type { Chute, TrafficRule } from '../chute/types.js';
import type { UciSectionSpec } from '../uci/model.js';
import type { InterfaceContext } from './context.js';
import { formatIpv4, parseIpv4 } from './ipv4.js';
import { redirectSectionName } from './names.js';
import { type ProblemList, q } from './problems.js';
import type { GatewayProfile } from './types.js';
import { list, opt, section } from './uci-text.js';

interface PortOwner {
  who: string;
  address: string;
}

/** Shared across all chutes of one compile: who holds which gateway-side port. */
export class PortBook {
  private readonly owners = new Map<string, PortOwner[]>();

  /** Returns the owners `o` clashes with, then records it. */
  claim(zone: string, proto: string, port: number, o: PortOwner): PortOwner[] {
    const key = `${zone}/${proto}/${port}`;
    const list = this.owners.get(key) ?? [];
    const clashes = list.filter((x) => x.address === '*' || o.address === '*' || x.address === o.address);
    list.push(o);
    this.owners.set(key, list);
    return clashes;
  }
}

const protosOf = (rule: TrafficRule): ('tcp' | 'udp')[] => (rule.proto === 'tcp udp' ? ['tcp', 'udp'] : [rule.proto]);
const isPort = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 65535;

export function redirectSections(chute: Chute, slot: string, ifaces: ReadonlyMap<string, InterfaceContext>,
  profile: GatewayProfile, ports: PortBook, problems: ProblemList): UciSectionSpec[] {
  const out: UciSectionSpec[] = [];
  chute.traffic.forEach((rule, j) => {
    const path = `${chute.name}:traffic[${j}]`;
    const who = `traffic rule ${q(rule.name)} of chute ${q(chute.name)}`;
    const inStruct = chute.struct.net.some((n) => n.name === rule.to.iface);
    if (!inStruct) {
      problems.add('FIELD_INVALID', `${path}.rule`, `${who}: interface ${q(rule.to.iface)} is not in struct.net`,
        rule.to.iface, `one of ${chute.struct.net.map((n) => n.name).join(', ')}`);
      return;
    }
    const c = ifaces.get(rule.to.iface);
    if (!c) return; // its addressing failed; that problem is already reported
    const chuteAddress = formatIpv4(c.addressing.chute);
    const toAddress = rule.to.address;
    if (toAddress !== undefined && toAddress !== '*' && toAddress !== chuteAddress) {
      problems.add('FIELD_INVALID', `${path}.rule`,
        `${who}: destination address ${q(toAddress)} is not the chute's address ${chuteAddress} on interface ${q(rule.to.iface)}`,
        toAddress, chuteAddress);
      return;
    }
    if (rule.from.address !== '*' && parseIpv4(rule.from.address) === undefined) {
      problems.add('FIELD_INVALID', `${path}.rule`, `${who}: gateway address ${q(rule.from.address)} is not '*' or a dotted IPv4 address`,
        rule.from.address, "'*' or an IPv4 address");
      return;
    }
    if (!isPort(rule.from.port) || !isPort(rule.to.port)) {
      problems.add('FIELD_INVALID', `${path}.rule`, `${who}: ports ${rule.from.port} and ${rule.to.port} must be whole numbers from 1 to 65535`,
        [rule.from.port, rule.to.port], 'ports 1..65535');
      return;
    }
    const srcZone = rule.from.network === 'lan' ? profile.lan.zone : profile.wan.zone;
    let clash = false;
    for (const proto of protosOf(rule)) {
      for (const svc of profile.servicePorts) {
        if (svc.proto !== proto || svc.port !== rule.from.port) continue;
        clash = true;
        problems.add('PORT_IN_USE', `${path}.rule`,
          `${who} takes ${rule.from.network} ${proto} port ${rule.from.port}, which the gateway's own service ${q(svc.name)} uses`,
          rule.from.port, `a port the gateway does not serve (${proto})`);
      }
      for (const other of ports.claim(srcZone, proto, rule.from.port, { who, address: rule.from.address })) {
        clash = true;
        problems.add('PORT_IN_USE', `${path}.rule`,
          `${other.who} and ${who} both take ${rule.from.network} ${proto} port ${rule.from.port}`,
          rule.from.port, 'a port no other traffic rule takes');
      }
    }
    if (clash) return;
    const protos = protosOf(rule);
    out.push(section('redirect', redirectSectionName(slot, j), [
      opt('name', `${chute.name}-${rule.name}`),
      opt('target', 'DNAT'),
      opt('src', srcZone),
      ...(rule.from.address === '*' ? [] : [opt('src_dip', rule.from.address)]),
      opt('src_dport', rule.from.port),
      protos.length === 1 ? opt('proto', protos[0]!) : list('proto', protos),
      opt('dest', c.names.zone),
      opt('dest_ip', chuteAddress),
      opt('dest_port', rule.to.port),
      opt('reflection', '0'),
    ]));
  });
  return out;
}
