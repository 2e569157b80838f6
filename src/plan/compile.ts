// compile(profile, chutes) -> DesiredState: the whole of what paradrop wants on the gateway for
// these chutes. Pure and deterministic: the output depends on the set of chutes (with their
// recorded slots and subnets), never on the order they are given in. Everything is ordered by
// chute name, then interface position in struct.net, then section kind. Every section a chute
// gets is derived from that chute and its slot and addresses alone, so removing a chute removes
// exactly its sections. Each chute is first rechecked against src/chute's own rules (it may come
// from a state file, not from parseChute); one that breaks them is reported and left out. Conflicts
// between chutes, or with the gateway, are collected and thrown as one ValidationError; each names
// both parties. The result passes lint (lint.ts) or this is a
// bug (InternalError). Cost is linear in the chutes: maps, no pairwise scans.
// Used by `paradrop render` (src/cli/render.ts) and by install/update planning.
import type { Chute } from '../chute/types.js';
import { InternalError } from '../errors.js';
import { addressKey, resolveAddresses } from './addressing.js';
import { cgroupLimits } from './cgroup.js';
import { fileTargets, recheck } from './chute-checks.js';
import type { InterfaceContext } from './context.js';
import { dhcpSections } from './dhcp.js';
import { firewallSections } from './firewall.js';
import { lintDesiredState } from './lint.js';
import { chuteMac, toLxcConfig } from './lxc-config.js';
import { type InterfaceNames, containerName, interfaceNames, isValidDeviceName, isValidSectionName, MAX_ZONE_NAME } from './names.js';
import { networkSections } from './network.js';
import { ProblemList, q } from './problems.js';
import { assignRadios, radioKey } from './radios.js';
import { PortBook, redirectSections } from './redirects.js';
import { checkMemory, resolveResources } from './resources.js';
import { runtimePlans, unservedWifi } from './runtime.js';
import { shapingPlans } from './shaping.js';
import { assignSlots } from './slots.js';
import type { ChuteInput, ChutePlan, DesiredState, GatewayProfile, InterfacePlan } from './types.js';
import { formatIpv4, formatSubnet, maskOfPrefix } from '../chute/ipv4.js';
import { wirelessSections } from './wireless.js';

/** One namespace of names (devices, UCI interfaces, zones): the first claimant keeps a name. */
class NameBook {
  private readonly owners = new Map<string, string>();
  constructor(private readonly kind: string, private readonly problems: ProblemList) {}

  claim(name: string, owner: string, path: string): void {
    const other = this.owners.get(name);
    if (other === undefined) { this.owners.set(name, owner); return; }
    this.problems.add('DEVICE_NAME_INVALID', path, `${other} and ${owner} both use the ${this.kind} name ${q(name)}`,
      name, `a ${this.kind} name nobody else uses`);
  }
}

function claimNames(chute: string, iface: string, n: InterfaceNames,
  books: { device: NameBook; iface: NameBook; zone: NameBook }, problems: ProblemList): void {
  const owner = `chute ${q(chute)} interface ${q(iface)}`;
  const path = `${chute}:struct.net.${iface}`;
  for (const dev of [n.bridge, n.hostVeth, n.ifb]) {
    if (!isValidDeviceName(dev)) {
      problems.add('DEVICE_NAME_INVALID', path, `${owner}: device name ${q(dev)} is not 1 to 15 characters [A-Za-z0-9_.-]`, dev, 'at most 15 characters');
    }
    books.device.claim(dev, owner, path);
  }
  for (const s of Object.values(n.sections)) {
    if (!isValidSectionName(s)) problems.add('FIELD_INVALID', path, `${owner}: UCI section name ${q(s)} is not [A-Za-z0-9_]`, s, '[A-Za-z0-9_]');
  }
  if (n.zone.length > MAX_ZONE_NAME) {
    problems.add('DEVICE_NAME_INVALID', path, `${owner}: zone name ${q(n.zone)} is longer than ${MAX_ZONE_NAME} characters`, n.zone, `at most ${MAX_ZONE_NAME} characters`);
  }
  books.iface.claim(n.uciInterface, owner, path);
  books.zone.claim(n.zone, owner, path);
}

function interfacePlan(c: InterfaceContext, slot: string): InterfacePlan {
  const a = c.addressing;
  const plan: InterfacePlan = {
    name: c.net.name,
    type: c.net.type,
    intfName: c.net.intfName,
    uciInterface: c.names.uciInterface,
    zone: c.names.zone,
    bridge: c.names.bridge,
    hostVeth: c.names.hostVeth,
    mac: chuteMac(slot, c.index),
    chuteAddress: formatIpv4(a.chute),
    gatewayAddress: formatIpv4(a.gateway),
    prefixLength: a.subnet.prefix,
    netmask: formatIpv4(maskOfPrefix(a.subnet.prefix)),
    subnet: formatSubnet(a.subnet),
  };
  if (c.net.type === 'wifi') {
    if (c.net.ssid !== undefined) plan.ssid = c.net.ssid;
    plan.radio = c.radio ?? null;
  }
  return plan;
}

export function compile(profile: GatewayProfile, chutes: readonly ChuteInput[]): DesiredState {
  const problems = new ProblemList();
  const notes: string[] = [];
  const inputs = [...chutes].sort((a, b) => (a.chute.name < b.chute.name ? -1 : a.chute.name > b.chute.name ? 1 : 0));
  const unique: ChuteInput[] = [];
  let prevName: string | undefined;
  for (const input of inputs) {
    const twice = input.chute.name === prevName;
    prevName = input.chute.name;
    if (twice) {
      problems.add('CHUTE_DUPLICATE', `${input.chute.name}:name`, `chute ${q(input.chute.name)} is given twice`, input.chute.name, 'each chute once');
      continue;
    }
    // A chute breaking src/chute's rules is reported and left out: its addresses, names and
    // ports cannot be trusted, so conflicts with it would only be noise.
    if (recheck(input.chute, problems)) unique.push(input);
  }

  const slots = assignSlots(unique.map((i) => ({ name: i.chute.name, ...(i.slot === undefined ? {} : { recorded: i.slot }) })), problems);
  const books = { device: new NameBook('device', problems), iface: new NameBook('UCI interface', problems), zone: new NameBook('firewall zone', problems) };
  books.device.claim(profile.lan.device, "the gateway's LAN", 'profile.lan.device');
  books.device.claim(profile.wan.device, "the gateway's WAN", 'profile.wan.device');
  books.iface.claim(profile.lan.interface, "the gateway's LAN", 'profile.lan.interface');
  books.iface.claim(profile.wan.interface, "the gateway's WAN", 'profile.wan.interface');
  books.zone.claim(profile.lan.zone, "the gateway's LAN", 'profile.lan.zone');
  books.zone.claim(profile.wan.zone, "the gateway's WAN", 'profile.wan.zone');

  const addressRequests = unique.flatMap((i) => i.chute.struct.net.map((iface) => {
    const recorded = i.subnets?.[iface.name];
    return { chute: i.chute.name, iface, ...(recorded === undefined ? {} : { recorded }) };
  }));
  const addresses = resolveAddresses(profile, addressRequests, problems);
  const radios = assignRadios(profile, unique.flatMap((i) => i.chute.struct.net.filter((n) => n.type === 'wifi')
    .map((iface) => ({ chute: i.chute.name, iface }))), problems, notes);

  const uci: DesiredState['uci'] = { network: [], wireless: [], dhcp: [], firewall: [] };
  const plans: ChutePlan[] = [];
  const ports = new PortBook();
  const resources = unique.map((i) => ({ name: i.chute.name, ...resolveResources(i.chute, profile) }));
  checkMemory(profile, resources, problems);

  unique.forEach((input, k) => {
    const chute: Chute = input.chute;
    const slot = slots.get(chute.name);
    if (slot === undefined) return;
    const contexts: InterfaceContext[] = [];
    // The default route: the first wan-type interface; without one, the first interface, so that
    // replies to LAN clients of a redirect into a wifi-only chute are routable (its zone still
    // forwards nothing: no Internet). With both types, replies to a redirect into the wifi address
    // leave by the wan-type route; the gateway's conntrack knows the DNATed flow and forwards
    // them as established, whatever interface they come back on.
    const routeIndex = Math.max(0, chute.struct.net.findIndex((n) => n.type === 'wan'));
    chute.struct.net.forEach((net, index) => {
      const names = interfaceNames(slot, index);
      claimNames(chute.name, net.name, names, books, problems);
      const addressing = addresses.get(addressKey(chute.name, net.name));
      if (!addressing) return;
      const c: InterfaceContext = { chute: chute.name, index, net, names, addressing, defaultRoute: index === routeIndex };
      if (net.type === 'wifi') c.radio = radios.get(radioKey(chute.name, net.name)) ?? null;
      contexts.push(c);
    });
    const byName = new Map(contexts.map((c) => [c.net.name, c]));
    for (const c of contexts) {
      uci.network.push(...networkSections(c));
      uci.wireless.push(...wirelessSections(c));
      uci.dhcp.push(...dhcpSections(c));
      uci.firewall.push(...firewallSections(c, profile));
    }
    uci.firewall.push(...redirectSections(chute, slot, byName, profile, ports, problems));
    for (const name of unservedWifi(chute)) {
      notes.push(`chute ${q(chute.name)} interface ${q(name)}: no @net.runtime.dhcpserver serves it, so devices on its SSID need static addresses`);
    }
    for (const net of chute.struct.net) {
      if (net.type === 'wifi' && (net.encryption ?? 'none') === 'none') {
        notes.push(`chute ${q(chute.name)} interface ${q(net.name)}: SSID ${q(net.ssid ?? '')} is open (encryption none): anyone in range can join it and reach the chute`);
      }
    }
    const r = resources[k]!;
    const limits = cgroupLimits(profile.cgroup, r.cpuShares, r.memoryBytes);
    const dir = `${profile.paths.chutes}/${chute.name}`;
    const interfaces = contexts.map((c) => interfacePlan(c, slot));
    const lxcConfig = toLxcConfig({ chute, slot, dir, profile, ifaces: contexts, limits });
    plans.push({
      name: chute.name,
      version: chute.version,
      slot,
      container: containerName(chute.name),
      dir,
      diskKiB: r.diskKiB,
      lxcConfig,
      interfaces,
      limits,
      shaping: shapingPlans(chute, byName),
      runtime: runtimePlans(chute, byName),
      files: fileTargets(chute, profile, problems),
    });
  });

  problems.throwIfAny(`cannot compile ${unique.map((i) => q(i.chute.name)).join(', ') || 'no chutes'} for gateway profile ${q(profile.name)}`);
  const state: DesiredState = { profile: profile.name, uci, chutes: plans, notes };
  const lint = lintDesiredState(state, profile);
  if (lint.length > 0) throw new InternalError(`compiled state breaks OpenWrt rules:\n  ${lint.join('\n  ')}`);
  return state;
}
