// CPU and memory limits of a chute, as cgroup v1 or v2 files.
//
// Shares (v1 cpu.shares, what chutes ask for: 1024 = an equal share) map to v2 cpu.weight by
//     weight = clamp(round(shares * 100 / 1024), 1, 10000)
// The kernel's own defaults line up (1024 shares <-> weight 100), the map is linear so the ratio
// between two chutes' weights is the ratio of their shares (which is all shares mean: a share of
// contended CPU time), it is monotonic (more shares never give less weight), and the clamp keeps
// the result in cpu.weight's range 1..10000: shares below 6 all give weight 1, shares above
// 1023948 would give more than 10000 (v1 already caps shares at 262144 -> weight 25600 -> 10000).
//
// Memory is a hard limit (v1 memory.limit_in_bytes, v2 memory.max). Swap is left alone on
// purpose: gateways rarely have swap, and the v1 memsw / v2 memory.swap.max files exist only with
// swap accounting compiled in and enabled; LXC refuses to start a container when a configured
// cgroup file is missing, so writing them would break chutes on exactly the small gateways
// ParaDrop targets. With no swap, memory.max alone is the hard limit the chapter asks for.
import type { CgroupLimits, CgroupVersion } from './types.js';

export const MIN_WEIGHT = 1;
export const MAX_WEIGHT = 10000;

export function sharesToWeight(shares: number): number {
  return Math.min(MAX_WEIGHT, Math.max(MIN_WEIGHT, Math.round((shares * 100) / 1024)));
}

export function cgroupLimits(version: CgroupVersion, cpuShares: number, memoryBytes: number): CgroupLimits {
  const cpuWeight = sharesToWeight(cpuShares);
  const files: Record<string, string> = version === 'v1'
    ? { 'cpu.shares': String(cpuShares), 'memory.limit_in_bytes': String(memoryBytes) }
    : { 'cpu.weight': String(cpuWeight), 'memory.max': String(memoryBytes) };
  return { version, cpuShares, cpuWeight, memoryBytes, files };
}

/** The LXC config keys that set `limits`: lxc.cgroup.* for v1, lxc.cgroup2.* for v2, never both. */
export function lxcCgroupKeys(limits: CgroupLimits): [string, string][] {
  const prefix = limits.version === 'v1' ? 'lxc.cgroup.' : 'lxc.cgroup2.';
  return Object.entries(limits.files).map(([file, value]) => [`${prefix}${file}`, value]);
}
