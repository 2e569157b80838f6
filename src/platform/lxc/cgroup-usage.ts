// Reads what a container uses, from its cgroup files, in v1 and v2 alike: memory (now, peak,
// limit, limit hits, OOM kills), CPU time and weight, tasks, freezer state.
// Invariants: a file this kernel lacks reads as null, never as 0; "no limit" reads as null.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CgroupVersion } from '../../plan/types.js';
import type { ContainerCgroup } from './cgroup-locate.js';

export interface CgroupUsage {
  version: CgroupVersion;
  memoryBytes: number | null;
  memoryPeakBytes: number | null;
  /** null: unlimited. */
  memoryLimitBytes: number | null;
  /** How often usage hit the limit (v1 memory.failcnt, v2 memory.events `max`). */
  memoryLimitHits: number | null;
  /** Processes the kernel OOM-killed in this cgroup (v1 memory.oom_control, v2 memory.events). */
  oomKills: number | null;
  cpuUsageNs: number | null;
  /** v1 cpu.shares; null on v2. */
  cpuShares: number | null;
  /** v2 cpu.weight; null on v1. */
  cpuWeight: number | null;
  pids: number | null;
  frozen: boolean | null;
}

/** v1 reports "unlimited" as the largest page-aligned signed 64-bit value; v2 as `max`. */
const UNLIMITED_FROM = 2 ** 62;

async function readText(dir: string | undefined, file: string): Promise<string | null> {
  if (dir === undefined) return null;
  try {
    return (await readFile(join(dir, file), 'utf8')).trim();
  } catch {
    return null;
  }
}

function toNumber(text: string | null): number | null {
  if (text === null || !/^\d+$/.test(text)) return null;
  return Number(text);
}

function toLimit(text: string | null): number | null {
  const n = toNumber(text);
  return n === null || n >= UNLIMITED_FROM ? null : n;
}

/** `key value` lines (memory.events, cpu.stat, memory.oom_control, cgroup.events). */
export function parseKeyed(text: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

/** v1: one directory per controller. */
export async function readCgroupUsageV1(dirs: Record<string, string>): Promise<CgroupUsage> {
  const mem = dirs.memory;
  const [usage, peak, limit, failcnt, oomControl, cpuacct, shares, pids, freezer] = await Promise.all([
    readText(mem, 'memory.usage_in_bytes'),
    readText(mem, 'memory.max_usage_in_bytes'),
    readText(mem, 'memory.limit_in_bytes'),
    readText(mem, 'memory.failcnt'),
    readText(mem, 'memory.oom_control'),
    readText(dirs.cpuacct, 'cpuacct.usage'),
    readText(dirs.cpu, 'cpu.shares'),
    readText(dirs.pids, 'pids.current'),
    readText(dirs.freezer, 'freezer.state'),
  ]);
  return {
    version: 'v1',
    memoryBytes: toNumber(usage),
    memoryPeakBytes: toNumber(peak),
    memoryLimitBytes: toLimit(limit),
    memoryLimitHits: toNumber(failcnt),
    // oom_kill appeared in memory.oom_control with Linux 4.13.
    oomKills: parseKeyed(oomControl).oom_kill ?? null,
    cpuUsageNs: toNumber(cpuacct),
    cpuShares: toNumber(shares),
    cpuWeight: null,
    pids: toNumber(pids),
    frozen: freezer === null ? null : freezer === 'FROZEN',
  };
}

/** v2: one directory. */
export async function readCgroupUsageV2(dir: string): Promise<CgroupUsage> {
  const [current, peak, max, events, cpuStat, weight, pids, cgEvents] = await Promise.all([
    readText(dir, 'memory.current'),
    readText(dir, 'memory.peak'), // Linux 5.19+
    readText(dir, 'memory.max'),
    readText(dir, 'memory.events'),
    readText(dir, 'cpu.stat'),
    readText(dir, 'cpu.weight'),
    readText(dir, 'pids.current'),
    readText(dir, 'cgroup.events'),
  ]);
  const ev = parseKeyed(events);
  const usec = parseKeyed(cpuStat).usage_usec;
  const frozen = parseKeyed(cgEvents).frozen;
  return {
    version: 'v2',
    memoryBytes: toNumber(current),
    memoryPeakBytes: toNumber(peak),
    memoryLimitBytes: toLimit(max),
    memoryLimitHits: events === null ? null : ev.max ?? 0,
    oomKills: events === null ? null : ev.oom_kill ?? 0,
    cpuUsageNs: usec === undefined ? null : usec * 1000,
    cpuShares: null,
    cpuWeight: toNumber(weight),
    pids: toNumber(pids),
    frozen: frozen === undefined ? null : frozen === 1,
  };
}

export async function readCgroupUsage(cg: ContainerCgroup): Promise<CgroupUsage> {
  if (cg.version === 'v1') return readCgroupUsageV1(cg.v1);
  return readCgroupUsageV2(cg.unified ?? '');
}
