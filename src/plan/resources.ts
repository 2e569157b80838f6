// A chute's resources resolved against the profile (@resource.*.DEFAULT), and the memory
// over-commit check: the chutes' hard memory limits together may not exceed
// (ram - reserve) * overcommit of the profile's memoryPolicy.
import type { Amount, Chute } from '../chute/types.js';
import { type ProblemList, q } from './problems.js';
import type { GatewayProfile } from './types.js';

export interface ResolvedResources {
  cpuShares: number;
  memoryBytes: number;
  diskKiB: number;
}

const MiB = 1024 * 1024;

function amount(a: Amount, fallback: number): number {
  return a.kind === 'default' ? fallback : a.value;
}

export function formatBytes(n: number): string {
  const mib = n / MiB;
  return `${n} bytes (${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB)`;
}

/** Values are src/chute's to check (recheckChute), defaults the profile's (parseProfile). */
export function resolveResources(chute: Chute, profile: GatewayProfile): ResolvedResources {
  return {
    cpuShares: amount(chute.resource.cpu, profile.defaults.cpuShares),
    memoryBytes: amount(chute.resource.memory, profile.defaults.memoryBytes),
    diskKiB: chute.struct.diskKiB ?? profile.defaults.diskKiB,
  };
}

/** `chutes` in sorted order; adds MEMORY_OVERCOMMIT naming the total, the limit and every chute. */
export function checkMemory(profile: GatewayProfile, chutes: readonly { name: string; memoryBytes: number }[],
  problems: ProblemList): void {
  const total = chutes.reduce((sum, c) => sum + c.memoryBytes, 0);
  const { reserveBytes, overcommit } = profile.memoryPolicy;
  const limit = Math.floor((profile.ramBytes - reserveBytes) * overcommit);
  if (total <= limit) return;
  const each = chutes.map((c) => `${q(c.name)} ${formatBytes(c.memoryBytes)}`).join(', ');
  problems.add('MEMORY_OVERCOMMIT', 'resource.memory',
    `the chutes' memory limits add up to ${formatBytes(total)}, more than the ${formatBytes(limit)} the gateway allows ` +
    `((RAM ${formatBytes(profile.ramBytes)} - reserve ${formatBytes(reserveBytes)}) x overcommit ${overcommit}): ${each}`,
    total, `at most ${limit} bytes`);
}
