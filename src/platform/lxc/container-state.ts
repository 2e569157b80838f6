// Observes containers: the state, init pid and addresses of one (`lxc-info`), the list of ours,
// and bounded waits for a state. What the engine diffs against comes from here.
// Invariants: a container without a config in our LXC path is ABSENT; only `pd-` names are listed.
import { readdir, access } from 'node:fs/promises';
import { join } from 'node:path';
import { ParadropError } from '../../errors.js';
import { runTool } from './run-tool.js';
import { CONTAINER_PREFIX, lxcPathOf, type LxcOptions } from './layout.js';

export type ContainerState =
  | 'ABSENT' | 'STOPPED' | 'STARTING' | 'RUNNING' | 'STOPPING' | 'ABORTING' | 'FREEZING' | 'FROZEN' | 'THAWED';

export interface ContainerInfo {
  name: string;
  state: ContainerState;
  /** Init's pid as the host sees it; null unless running or frozen. */
  pid: number | null;
  /** Addresses LXC reports inside the container. */
  ips: string[];
}

const STATES = new Set<string>(['STOPPED', 'STARTING', 'RUNNING', 'STOPPING', 'ABORTING', 'FREEZING', 'FROZEN', 'THAWED']);

/** Pure: `lxc-info -s -p -i` output. */
export function parseLxcInfo(name: string, text: string): ContainerInfo {
  const info: ContainerInfo = { name, state: 'STOPPED', pid: null, ips: [] };
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z ]+):\s*(.*)$/.exec(line.trim());
    if (m === null) continue;
    const key = m[1] ?? '';
    const value = (m[2] ?? '').trim();
    if (key === 'State' && STATES.has(value)) info.state = value as ContainerState;
    else if (key === 'PID' && /^\d+$/.test(value)) info.pid = Number(value);
    else if (key === 'IP' && value !== '') info.ips.push(value);
  }
  return info;
}

export function configPathOf(name: string, opts?: LxcOptions): string {
  return join(lxcPathOf(opts), name, 'config');
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

export function assertOurs(name: string): void {
  if (!name.startsWith(CONTAINER_PREFIX) || !/^[a-z0-9][a-z0-9._-]*$/.test(name) || name.length > 64) {
    throw new ParadropError('FIELD_INVALID',
      `Container name "${name}" is not one of paradrop's: expected "${CONTAINER_PREFIX}" followed by lower-case letters, digits, '.', '_' or '-'`,
      { path: 'container', value: name, expected: `${CONTAINER_PREFIX}<name>` });
  }
}

export async function containerInfo(name: string, opts?: LxcOptions): Promise<ContainerInfo> {
  assertOurs(name);
  if (!(await exists(configPathOf(name, opts)))) return { name, state: 'ABSENT', pid: null, ips: [] };
  const r = await runTool('lxc-info', ['-P', lxcPathOf(opts), '-n', name, '-s', '-p', '-i'],
    { subject: `Container "${name}"`, timeoutMs: 10_000, okExitCodes: [0, 1] });
  // lxc-info exits 1 for a name it does not know (config removed in between): absent.
  if (r.exitCode !== 0) return { name, state: 'ABSENT', pid: null, ips: [] };
  return parseLxcInfo(name, r.stdout);
}

/** Our containers (`pd-*` with a config) in the LXC path, sorted by name. */
export async function listContainers(opts?: LxcOptions): Promise<ContainerInfo[]> {
  let names: string[];
  try {
    names = await readdir(lxcPathOf(opts));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const ours = names.filter((n) => n.startsWith(CONTAINER_PREFIX)).sort();
  const infos = await Promise.all(ours.map((n) => containerInfo(n, opts)));
  return infos.filter((i) => i.state !== 'ABSENT');
}

/** Polls until the container is in one of `states`; throws COMMAND_TIMEOUT after timeoutMs. */
export async function waitForState(name: string, states: readonly ContainerState[], timeoutMs: number,
  opts?: LxcOptions): Promise<ContainerInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await containerInfo(name, opts);
    if (states.includes(info.state)) return info;
    if (Date.now() > deadline) {
      throw new ParadropError('COMMAND_TIMEOUT',
        `Container "${name}" is ${info.state}, not ${states.join(' or ')}, after ${timeoutMs} ms`,
        { value: info.state, expected: states.join(' or ') });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
