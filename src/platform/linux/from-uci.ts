// fromUci: the UCI packages paradrop wrote (plus whatever else they hold) → NetModel, with the
// meaning netifd, firewall4 and dnsmasq give them on OpenWrt. Pure.
// On a plain Linux gateway the packages usually hold only paradrop's `pd_` sections: the gateway's
// lan and wan are not described there but in the profile. What the packages lack of OpenWrt's
// stock configuration is taken from the profile with OpenWrt's shipped values: the lan/wan
// interfaces (device and address from the profile), the `defaults` (input REJECT, output ACCEPT,
// forward REJECT, syn_flood), the lan zone (ACCEPT/ACCEPT/ACCEPT), the wan zone (REJECT/ACCEPT/
// REJECT, masq, mtu_fix) and the lan→wan forwarding. Sections present in the packages always win.
// Synthesised sections go after the real ones so fw4-style `@zone[N]` names in warnings still
// point at the real file.
import type { UciPackage, UciSection } from '../../uci/model.js';
import type { GatewayProfile } from '../../plan/types.js';
import type { UciConfigSet } from '../network-applier.js';
import { defaultsFromUci, forwardingsFromUci, zonesFromUci } from './from-uci-firewall.js';
import { networkFromUci } from './from-uci-network.js';
import { redirectsFromUci, rulesFromUci } from './from-uci-rules.js';
import type { DhcpModel, InterfaceModel, NetModel } from './model.js';
import { parseBool, str } from './uci-options.js';

const opt = (name: string, value: string | string[]) => ({ name, value });

function synthetic(type: string, name: string, options: { name: string; value: string | string[] }[]): UciSection {
  return { type, name, anonymous: type !== 'interface', options };
}

function withStockNetwork(pkg: UciPackage, profile: GatewayProfile): UciPackage {
  const extra: UciSection[] = [];
  for (const n of [profile.lan, profile.wan]) {
    if (pkg.sections.some((s) => s.type === 'interface' && s.name === n.interface)) continue;
    const options = [opt('device', n.device), opt('proto', n.ipaddr ? 'static' : 'dhcp')];
    if (n.ipaddr) options.push(opt('ipaddr', n.ipaddr), opt('netmask', n.netmask ?? '255.255.255.0'));
    extra.push(synthetic('interface', n.interface, options));
  }
  return extra.length ? { ...pkg, sections: [...pkg.sections, ...extra] } : pkg;
}

function withStockFirewall(pkg: UciPackage, profile: GatewayProfile): UciPackage {
  const hasZone = (name: string) => pkg.sections.some((s) => s.type === 'zone' && str(s, 'name') === name);
  const extra: UciSection[] = [];
  const lanMissing = !hasZone(profile.lan.zone);
  const wanMissing = !hasZone(profile.wan.zone);
  if (lanMissing) {
    extra.push(synthetic('zone', 'cfgprofilelan', [opt('name', profile.lan.zone), opt('network', [profile.lan.interface]),
      opt('input', 'ACCEPT'), opt('output', 'ACCEPT'), opt('forward', 'ACCEPT')]));
  }
  if (wanMissing) {
    extra.push(synthetic('zone', 'cfgprofilewan', [opt('name', profile.wan.zone), opt('network', [profile.wan.interface]),
      opt('input', 'REJECT'), opt('output', 'ACCEPT'), opt('forward', 'REJECT'), opt('masq', '1'), opt('mtu_fix', '1')]));
  }
  if (lanMissing && wanMissing) {
    extra.push(synthetic('forwarding', 'cfgprofilefwd', [opt('src', profile.lan.zone), opt('dest', profile.wan.zone)]));
  }
  return extra.length ? { ...pkg, sections: [...pkg.sections, ...extra] } : pkg;
}

const LEASETIME = /^(\d+[smhdw]?|infinite)$/;

function dhcpFromUci(pkg: UciPackage, interfaces: readonly InterfaceModel[], refusals: string[]): DhcpModel[] {
  const out: DhcpModel[] = [];
  for (const s of pkg.sections) {
    if (s.type !== 'dhcp') continue;
    const iface = str(s, 'interface') ?? s.name;
    const itf = interfaces.find((i) => i.name === iface);
    const start = Number(str(s, 'start') ?? '100');
    const limit = Number(str(s, 'limit') ?? '150');
    const leasetime = str(s, 'leasetime') ?? '12h';
    const m: DhcpModel = { section: s.name, interface: iface, served: false, start, limit, leasetime };
    if (itf?.device !== undefined) m.device = itf.device;
    const gateway = itf?.proto === 'static' ? itf.addresses[0] : undefined;
    if (gateway) m.gateway = gateway;
    // dnsmasq decides by `ignore` alone (`dhcpv4` is odhcpd's option; OpenWrt's dnsmasq init
    // script does not read it).
    if (parseBool(str(s, 'ignore')) === true) {
      out.push(m);
      continue;
    }
    if (!Number.isInteger(start) || start < 1 || !Number.isInteger(limit) || limit < 1 || !LEASETIME.test(leasetime)) {
      refusals.push(`dhcp.${s.name}: start ${JSON.stringify(str(s, 'start'))}, limit ${JSON.stringify(str(s, 'limit'))} or leasetime ${JSON.stringify(leasetime)} is not valid; not served`);
    } else if (!itf || itf.device === undefined || itf.error !== undefined || itf.disabled || !gateway) {
      refusals.push(`dhcp.${s.name}: interface '${iface}' has no device with a static address; not served`);
    } else {
      m.served = true;
    }
    out.push(m);
  }
  return out;
}

export function fromUci(config: UciConfigSet, profile: GatewayProfile): NetModel {
  const network = withStockNetwork(config.network, profile);
  const firewall = withStockFirewall(config.firewall, profile);
  const net = networkFromUci(network);
  const warnings: string[] = [];
  const refusals = [...net.refusals];
  // fw4's order: defaults, zones, rules, forwardings, redirects (its warnings come in this order).
  const defaults = defaultsFromUci(firewall, warnings);
  const zones = zonesFromUci(firewall, net.interfaces, defaults, warnings, refusals);
  const rules = rulesFromUci(firewall, zones, warnings, refusals);
  const forwardings = forwardingsFromUci(firewall, zones, warnings, refusals);
  const redirects = redirectsFromUci(firewall, zones, warnings, refusals);
  const dhcp = dhcpFromUci(config.dhcp, net.interfaces, refusals);
  return { defaults, bridges: net.bridges, interfaces: net.interfaces, zones, forwardings, rules, redirects, dhcp, warnings, refusals };
}
