// Picks the network applier for the running system. Plain Linux (Debian, the tests, the demo):
// our own applier (src/platform/linux) turns paradrop's UCI sections into bridges, addresses, the
// `inet paradrop` nftables table, dnsmasq and tc, in the network namespace paradrop runs in.
// OpenWrt (its own daemons) comes with the OpenWrt platform.
//
// A plain Linux machine is usually someone's workstation or server, not a gateway: applying a
// chute's bridges, addresses and firewall in its main network namespace would change the host's
// own network. So in the initial network namespace the applier refuses, before it changes
// anything, unless PARADROP_HOST_NETWORK=1 says this machine really is the gateway. Inside any
// other namespace (the simulated home, the tests) it applies as asked.
import { readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ParadropError } from '../errors.js';
import type { NetworkApplier, UciConfigSet } from './network-applier.js';
import type { UciPackage } from '../uci/model.js';
import { createLinuxApplier } from './linux/index.js';

/** `stateDir`/network holds the applier's dnsmasq pid, lease and argument files. */
export async function systemNetworkApplier(stateDir: string, env: Record<string, string | undefined> = {}): Promise<NetworkApplier> {
  const applier = createLinuxApplier({ runDir: join(stateDir, 'network') });
  if (env.PARADROP_HOST_NETWORK === '1' || !(await inInitialNetns())) return applier;
  return guarded(applier);
}

/**
 * The kernel gives the initial network namespace a fixed proc inode (PROC_NET_INIT_INO,
 * 0xEFFFFFF9, since Linux 3.8), so no access to pid 1 is needed (sandboxes often deny it).
 */
const INIT_NETNS = `net:[${0xeffffff9}]`;

/** True when this process is in the host's own (initial) network namespace. */
export async function inInitialNetns(): Promise<boolean> {
  const [mine, init] = await Promise.all([readlink('/proc/self/ns/net'), readlink('/proc/1/ns/net')].map((p) => p.catch(() => '')));
  return mine === INIT_NETNS || (mine !== '' && mine === init);
}

function hasChuteSections(config: UciConfigSet): boolean {
  const packages: UciPackage[] = [config.network, config.wireless, config.dhcp, config.firewall];
  return packages.some((pkg) => pkg.sections.some((s) => s.name.startsWith('pd_')));
}

export function guarded(applier: NetworkApplier): NetworkApplier {
  const wrapped: NetworkApplier = {
    apply: async (config, profile) => {
      if (hasChuteSections(config)) {
        throw new ParadropError('HOST_NETWORK_REFUSED',
          'refusing to create chute bridges, addresses and firewall rules in this machine\'s own network namespace: ' +
          'run paradrop inside the gateway\'s namespace (see scripts/sim-home), or set PARADROP_HOST_NETWORK=1 if this machine is the gateway',
          { expected: 'a gateway network namespace, or PARADROP_HOST_NETWORK=1' });
      }
      return applier.apply(config, profile);
    },
    applyShaping: (plans, pid) => applier.applyShaping(plans, pid),
  };
  if (applier.removeAll) wrapped.removeAll = () => applier.removeAll!();
  return wrapped;
}
