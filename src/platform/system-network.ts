// Picks the network applier for the running system. Plain Linux (Debian, the tests, the demo):
// our own applier (src/platform/linux) turns paradrop's UCI sections into bridges, addresses, the
// `inet paradrop` nftables table, dnsmasq and tc, in the network namespace paradrop runs in.
// OpenWrt (its own daemons) comes with the OpenWrt platform.
import { join } from 'node:path';
import type { NetworkApplier } from './network-applier.js';
import { createLinuxApplier } from './linux/index.js';

/** `stateDir`/network holds the applier's dnsmasq pid, lease and argument files. */
export async function systemNetworkApplier(stateDir: string): Promise<NetworkApplier> {
  return createLinuxApplier({ runDir: join(stateDir, 'network') });
}
