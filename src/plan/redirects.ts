// Traffic rules (@net.traffic.redirect) as UCI firewall `redirect` sections, and their port
// conflicts. A redirect is DNAT from a gateway zone (lan or wan) to the chute's address in the
// chute interface's zone. Its "accept" needs no rule of ours: fw4 adds `ct status dnat accept` to
// the source zone's input and forward chains, which lets every DNATed flow through before the
// destination zone's REJECT policies are consulted (vector redirect_lan_tcp). `reflection '0'`:
// NAT reflection would only add a hairpin inside the chute's own zone (plus `ct status dnat
// accept` in its chains) for the chute reaching the gateway's WAN address, which nothing needs.
// Conflicts: a rule may not take a port of one of the gateway's own services (same protocol; the
// services listen on every side), nor a source zone + protocol + port another rule already takes.
// The gateway side's address: a rule's `*` means the gateway's own address on that network, and
// that is the only address a rule may name. From the LAN it is always written as `src_dip`
// (fw4: `ip daddr <lan address>` in the DNAT; vector redirect_lan_src_dip): without it the DNAT
// would capture LAN traffic to ANY address on that port, the Internet's included
// (redirect_lan_tcp has no daddr match). From the WAN it is written when the profile knows the
// wan address (static wan); on a DHCP wan there is none to write, and none is needed: what
// arrives on wan for that port is addressed to the gateway.
// Ports and the chute-side address are src/chute's rules; the pool address is checked here.
import type { Chute, TrafficRule } from '../chute/types.js';
import type { UciSectionSpec } from '../uci/model.js';
import type { InterfaceContext } from './context.js';
import { formatIpv4 } from '../chute/ipv4.js';
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

/** The gateway's own address on the rule's source network, or undefined when unknown (DHCP wan). */
export function gatewaySideAddress(rule: TrafficRule, profile: GatewayProfile): string | undefined {
  return rule.from.network === 'lan' ? profile.lan.ipaddr : profile.wan.ipaddr;
}

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
    const own = gatewaySideAddress(rule, profile);
    if (rule.from.address !== '*' && rule.from.address !== own) {
      const expected = own === undefined
        ? `'*' (the gateway's ${rule.from.network} address is not known: the profile's ${rule.from.network} has no ipaddr)`
        : `'*' or the gateway's own ${rule.from.network} address ${own}`;
      problems.add('FIELD_INVALID', `${path}.rule`,
        `${who}: gateway-side address ${q(rule.from.address)} is not the gateway's own address on ${rule.from.network} (expected ${expected})`,
        rule.from.address, expected);
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
      for (const other of ports.claim(srcZone, proto, rule.from.port, { who, address: own ?? '*' })) {
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
      ...(own === undefined ? [] : [opt('src_dip', own)]),
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
