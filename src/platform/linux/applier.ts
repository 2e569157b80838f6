// The NetworkApplier of a plain Linux gateway: applies the UCI network/firewall/dhcp the compiler
// wrote with OpenWrt's meaning (fromUci), using iproute2 for bridges and addresses, one nftables
// table (`inet paradrop`) for the firewall and NAT, dnsmasq for gateway-served DHCP, and tc for
// shaping. Wireless has no radio here: wirelessStatus says the SSID is not broadcast.
// Order of apply: bridges and addresses first (dnsmasq binds to them; nft matches names, not
// indexes, so it does not care), then the table in one atomic transaction, then dnsmasq. Every
// step observes and fixes, so applying twice changes nothing and applying after a crash at any
// point converges; what is no longer configured (a removed chute's bridges, rules, dnsmasq) goes.
import debug from '../../log.js';
import type { GatewayProfile, ShapingPlan } from '../../plan/types.js';
import type { NetworkApplier, UciConfigSet } from '../network-applier.js';
import { applyDhcp, dhcpInstances } from './dhcp.js';
import { fromUci } from './from-uci.js';
import { type InterfaceStatus, interfaceStatus } from './iface-status.js';
import { applyLinks, observeLinks, removeOwnedBridges } from './links.js';
import type { NetModel } from './model.js';
import { type FirewallScope, TABLE_NAME, toNftScript } from './nft-script.js';
import { type LinuxNetworkObservation, observeLinuxNetwork } from './observe.js';
import { type RunContext, nft } from './run.js';
import { applyShaping } from './shaping.js';
import { type WifiStatus, wirelessStatus } from './wireless.js';

const log = debug('paradrop:linux:applier');

export interface LinuxApplierOptions {
  /** Directory for dnsmasq's pid, lease, log and argument files. */
  runDir: string;
  /** Path of nft (default: `nft` from PATH). */
  nft?: string;
  /** Path of dnsmasq (default: `dnsmasq` from PATH). */
  dnsmasq?: string;
  /** Run everything inside this network namespace (tests, or a gateway in a namespace). */
  netns?: string;
  /** 'paradrop' (default): decide only for packets touching paradrop's devices; 'all': fw4 for everything. */
  firewallScope?: FirewallScope;
}

export interface ApplyReport {
  /** firewall4's warnings for the same configuration. */
  warnings: string[];
  /** What netifd would refuse, or what this applier does not support. */
  refusals: string[];
  /** The changes made, in order (empty when everything already matched). */
  changes: string[];
}

export interface LinuxNetworkStatus {
  interfaces: InterfaceStatus[];
  wireless: WifiStatus[];
}

export interface LinuxApplier extends NetworkApplier {
  /** apply, telling what fw4 would warn about, what was refused and what changed. */
  reconcile(config: UciConfigSet, profile: GatewayProfile): Promise<ApplyReport>;
  applyShaping(plans: readonly ShapingPlan[], chuteInitPid: number): Promise<void>;
  /** Removes everything paradrop made: its table, its bridges, its dnsmasq processes. */
  removeAll(): Promise<string[]>;
  observe(): Promise<LinuxNetworkObservation>;
  /** netifd-like interface status and the wireless status of `config` (used by `paradrop status`). */
  status(config: UciConfigSet, profile: GatewayProfile): Promise<LinuxNetworkStatus>;
  /** The model and nft script apply would use, without touching anything (`paradrop render`). */
  plan(config: UciConfigSet, profile: GatewayProfile): { model: NetModel; nftScript: string };
}

export function createLinuxApplier(opts: LinuxApplierOptions): LinuxApplier {
  const ctx: RunContext = { nft: opts.nft ?? 'nft', dnsmasq: opts.dnsmasq ?? 'dnsmasq' };
  if (opts.netns !== undefined) ctx.netns = opts.netns;
  const scope = opts.firewallScope ?? 'paradrop';

  const plan = (config: UciConfigSet, profile: GatewayProfile) => {
    const model = fromUci(config, profile);
    return { model, nftScript: toNftScript(model, { scope }) };
  };

  return {
    plan,

    async apply(config, profile) {
      await this.reconcile(config, profile);
    },

    async reconcile(config, profile) {
      const { model, nftScript } = plan(config, profile);
      for (const w of model.warnings) log('fw4 would warn: %s', w);
      for (const r of model.refusals) log('refused: %s', r);
      const changes = await applyLinks(ctx, model);
      const current = await nft(ctx, ['-s', 'list', 'table', 'inet', TABLE_NAME], { okExitCodes: [0, 1] });
      await nft(ctx, ['-f', '-'], { input: nftScript });
      const after = await nft(ctx, ['-s', 'list', 'table', 'inet', TABLE_NAME]);
      if (current.exitCode !== 0 || current.stdout !== after.stdout) changes.push(`load nftables table inet ${TABLE_NAME}`);
      changes.push(...await applyDhcp(ctx, opts.runDir, dhcpInstances(model, opts.runDir)));
      return { warnings: model.warnings, refusals: model.refusals, changes };
    },

    async applyShaping(plans, chuteInitPid) {
      await applyShaping(ctx, plans, chuteInitPid);
    },

    async removeAll() {
      const done = await applyDhcp(ctx, opts.runDir, []);
      const r = await nft(ctx, ['delete', 'table', 'inet', TABLE_NAME], { okExitCodes: [0, 1] });
      if (r.exitCode === 0) done.push(`delete nftables table inet ${TABLE_NAME}`);
      done.push(...await removeOwnedBridges(ctx));
      return done;
    },

    observe: () => observeLinuxNetwork(ctx, opts.runDir),

    async status(config, profile) {
      const model = fromUci(config, profile);
      return { interfaces: interfaceStatus(model, await observeLinks(ctx)), wireless: wirelessStatus(config) };
    },
  };
}
