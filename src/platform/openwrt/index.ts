// The OpenWrt platform's public face: detection, the UCI writer (through the `uci` tool), the
// applier (reload only what changed; fw4 check first) and the cgroup rule. settings.ts and
// system-network.ts pick these when /etc/openwrt_release exists.
import { access } from 'node:fs/promises';

export { createUciWriter, batchFor, type UciWriterOptions } from './uci-writer.js';
export { createOpenWrtApplier, reloadCommand, type OpenWrtApplierOptions } from './applier.js';
export { checkOpenWrtCgroup, chuteCgroupIsOutside, unifiedCgroupOf } from './cgroup-check.js';
export { DEFAULT_TOOLS, type OpenWrtTools } from './tools.js';

export const OPENWRT_RELEASE = '/etc/openwrt_release';
export const OPENWRT_CONFIG_DIR = '/etc/config';

/** `PARADROP_PLATFORM=openwrt|linux` overrides (tests); otherwise /etc/openwrt_release decides. */
export async function isOpenWrt(env: Record<string, string | undefined> = {}): Promise<boolean> {
  if (env.PARADROP_PLATFORM === 'openwrt') return true;
  if (env.PARADROP_PLATFORM === 'linux') return false;
  return access(OPENWRT_RELEASE).then(() => true, () => false);
}
