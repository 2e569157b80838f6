// The OpenWrt network applier: OpenWrt's own daemons make the network from UCI, so applying is
// reloading exactly the services whose paradrop sections changed since the last apply (network,
// wifi, firewall, dnsmasq), in that order. What was last applied is kept as one hash per package
// in <runDir>/applied.json, so a restart or a crash between write and reload still reloads what
// is pending. Shaping is tc on the gateway side, as on plain Linux (the same code).
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { UciPackage } from '../../uci/model.js';
import { parseUci } from '../../uci/index.js';
import type { NetworkApplier, UciConfigSet } from '../network-applier.js';
// Only the shaping part of the plain-Linux applier: the router bundle leaves the rest out.
import { applyShaping } from '../linux/shaping.js';
import { initScript, mustRun, type OpenWrtTools } from './tools.js';

export interface OpenWrtApplierOptions {
  configDir: string;
  runDir: string;
  tools: OpenWrtTools;
}

type Pkg = keyof UciConfigSet;
/** Reload order: links before the radios on them, then the firewall, then DHCP. */
const ORDER: readonly Pkg[] = ['network', 'wireless', 'firewall', 'dhcp'];

/** The service command that makes a package's changes live. */
export function reloadCommand(pkg: Pkg, t: OpenWrtTools): [string, string[]] {
  switch (pkg) {
    case 'network': return [initScript(t, 'network'), ['reload']];
    case 'wireless': return ['wifi', ['reload']];
    case 'firewall': return [initScript(t, 'firewall'), ['reload']];
    case 'dhcp': return [initScript(t, 'dnsmasq'), ['reload']];
  }
}

function ownedHash(p: UciPackage): string {
  const owned = p.sections.filter((s) => !s.anonymous && s.name.startsWith('pd_')).map((s) => [s.type, s.name, s.options]);
  return createHash('sha256').update(JSON.stringify(owned)).digest('hex');
}

export function createOpenWrtApplier(o: OpenWrtApplierOptions): NetworkApplier & { reloadChanged(config: UciConfigSet): Promise<Pkg[]> } {
  const file = join(o.runDir, 'applied.json');
  const reloadChanged = async (config: UciConfigSet): Promise<Pkg[]> => {
    const applied = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Partial<Record<Pkg, string>>;
    const reloaded: Pkg[] = [];
    for (const pkg of ORDER) {
      const h = ownedHash(config[pkg]);
      if (applied[pkg] === h) continue;
      const [cmd, args] = reloadCommand(pkg, o.tools);
      await mustRun(o.tools, cmd, args);
      applied[pkg] = h;
      reloaded.push(pkg);
      await mkdir(o.runDir, { recursive: true, mode: 0o700 });
      await writeFile(file, `${JSON.stringify(applied)}\n`);
    }
    return reloaded;
  };
  return {
    apply: async (config) => { await reloadChanged(config); },
    applyShaping: (plans, pid) => applyShaping({ nft: 'nft', dnsmasq: 'dnsmasq' }, plans, pid),
    async removeAll() {
      const config = {} as UciConfigSet;
      for (const pkg of ORDER) config[pkg] = parseUci(await readFile(join(o.configDir, pkg), 'utf8').catch(() => ''), pkg);
      return reloadChanged(config);
    },
    reloadChanged,
  };
}
