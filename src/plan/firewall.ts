// UCI `firewall` zone, forwarding and DNS rule of one chute interface (redirects: redirects.ts).
// Every chute interface gets its own zone, input REJECT, output ACCEPT, forward REJECT, with one
// `list network` line (fw4 looks a space-joined list item up as one interface name and silently
// drops it: vector zone_networks_space_joined_list_item). Nothing forwards into a chute zone and
// a chute zone forwards only to the gateway's wan zone, so a chute reaches neither the LAN, nor
// other chutes, nor the gateway's services (vector chute_zones_isolated).
// wan type: forwarding to the wan zone. Masquerading is the wan zone's own `masq '1'` (OpenWrt's
// stock wan zone has it and masquerades everything it forwards out); paradrop does not touch that
// zone, so a gateway whose wan zone lacks masq gives chutes no Internet. With profile.chuteDns, an
// input rule lets the zone reach the gateway's DNS on 53, tcp and udp as two `list proto` lines
// (fw4 renders one rule per protocol: vector rule_chute_dhcp_dns_input).
// wifi type: no forwarding and no input rule: the SSID's devices reach the chute and nothing else.
import type { UciSectionSpec } from '../uci/model.js';
import type { InterfaceContext } from './context.js';
import { list, opt, section } from './uci-text.js';
import type { GatewayProfile } from './types.js';

export function firewallSections(c: InterfaceContext, profile: GatewayProfile): UciSectionSpec[] {
  const { names } = c;
  const out = [section('zone', names.sections.zone, [
    opt('name', names.zone),
    list('network', [names.uciInterface]),
    opt('input', 'REJECT'),
    opt('output', 'ACCEPT'),
    opt('forward', 'REJECT'),
  ])];
  if (c.net.type !== 'wan') return out;
  out.push(section('forwarding', names.sections.forwarding, [
    opt('src', names.zone),
    opt('dest', profile.wan.zone),
  ]));
  if (profile.chuteDns) {
    out.push(section('rule', names.sections.dnsRule, [
      opt('name', `${c.chute}-${c.net.name}-dns`),
      opt('src', names.zone),
      list('proto', ['tcp', 'udp']),
      opt('dest_port', '53'),
      opt('target', 'ACCEPT'),
    ]));
  }
  return out;
}
