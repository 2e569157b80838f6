// Container lifecycle with the LXC tools: create (write the config), start, stop (graceful, then
// kill), destroy, freeze and unfreeze. Used by the engine's container steps.
// Invariants: every call is idempotent (stopping a stopped container succeeds) and bounded in time;
// only `pd-` containers in our LXC path are touched; failures are ParadropErrors naming the
// container and the tool's stderr. We never call lxc-destroy: with a dir rootfs it deletes the
// rootfs, and ours holds mount points of host directories.
import { mkdir, readFile, rm, readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import debug from '../../log.js';
import type { ChutePlan } from '../../plan/types.js';
import { ParadropError } from '../../errors.js';
import { runTool } from './run-tool.js';
import { writeDurable } from '../durable-file.js';
import { lxcPathOf, type LxcOptions } from './layout.js';
import { assertOurs, configPathOf, containerInfo, waitForState } from './container-state.js';
import { detectCgroup } from './cgroup-detect.js';

const log = debug('paradrop:lxc:container');

export interface TimeoutOptions extends LxcOptions {
  timeoutMs?: number;
}

/** Writes `<lxcpath>/<container>/config`; takes effect at the next start. */
export async function createContainer(plan: ChutePlan, opts?: LxcOptions): Promise<void> {
  assertOurs(plan.container);
  await mkdir(join(lxcPathOf(opts), plan.container), { recursive: true, mode: 0o750 });
  await writeDurable(configPathOf(plan.container, opts), plan.lxcConfig.endsWith('\n') ? plan.lxcConfig : plan.lxcConfig + '\n');
}

function startLogOf(name: string, opts?: LxcOptions): string {
  return join(lxcPathOf(opts), name, 'start.log');
}

/**
 * The first ERROR lines LXC logged while starting: they hold the cause (a failed mount, a missing
 * init); lxc-start's own stderr and the later lines only say "failed to start".
 */
async function startErrors(name: string, opts?: LxcOptions): Promise<string> {
  const text = await readFile(startLogOf(name, opts), 'utf8').catch(() => '');
  return text.split('\n').filter((l) => / ERROR /.test(l)).slice(0, 3)
    .map((l) => l.replace(/^.*? ERROR\s+/, '').replace(/^\S+ - \S+ - /, '')).join('; ');
}

export async function startContainer(name: string, opts?: TimeoutOptions): Promise<void> {
  const info = await containerInfo(name, opts);
  if (info.state === 'ABSENT') {
    throw new ParadropError('CONTAINER_NOT_FOUND', `Container "${name}" has no config in ${lxcPathOf(opts)}: create it first`,
      { value: name, expected: 'a created container' });
  }
  const timeoutMs = opts?.timeoutMs ?? 30_000;
  if (info.state === 'STARTING') {
    await waitForState(name, ['RUNNING'], timeoutMs, opts);
    return;
  }
  if (info.state === 'STOPPING' || info.state === 'ABORTING') await waitForState(name, ['STOPPED'], timeoutMs, opts);
  if (info.state === 'RUNNING') return;
  if (info.state === 'FROZEN' || info.state === 'FREEZING') return unfreezeContainer(name, opts);
  await rm(startLogOf(name, opts), { force: true });
  const args = ['-P', lxcPathOf(opts), '-n', name, '-d', '-o', startLogOf(name, opts), '-l', 'ERROR'];
  const r = await runTool('lxc-start', args, { subject: `Container "${name}"`, timeoutMs, okExitCodes: 'any' });
  if (r.exitCode !== 0) {
    const details = (await startErrors(name, opts)) || r.stderr || 'no reason given';
    throw new ParadropError('COMMAND_FAILED', `Container "${name}" failed to start (lxc-start exited with ${r.exitCode}): ${details}`,
      { value: ['lxc-start', ...args].join(' '), expected: 'a started container' });
  }
  await waitForState(name, ['RUNNING'], timeoutMs, opts);
}

/** Graceful stop (lxc.signal.halt to init) for timeoutS seconds, then SIGKILL. */
export async function stopContainer(name: string, timeoutS = 10, opts?: LxcOptions): Promise<void> {
  let info = await containerInfo(name, opts);
  if (info.state === 'FROZEN' || info.state === 'FREEZING') {
    // A frozen init cannot act on the halt signal; thaw it so the stop can be graceful.
    await unfreezeContainer(name, opts);
    info = await containerInfo(name, opts);
  }
  if (info.state !== 'ABSENT' && info.state !== 'STOPPED') {
    // Exit 2: "is not running" (it stopped in between), which is what we want.
    await runTool('lxc-stop', ['-P', lxcPathOf(opts), '-n', name, '-t', String(timeoutS)],
      { subject: `Container "${name}"`, timeoutMs: (timeoutS + 15) * 1000, okExitCodes: [0, 2] });
    await waitForState(name, ['STOPPED', 'ABSENT'], 15_000, opts);
  }
  await removeLeftoverCgroups(name);
}

/** Stops the container and removes its config directory. */
export async function destroyContainer(name: string, opts?: LxcOptions & { stopTimeoutS?: number }): Promise<void> {
  assertOurs(name);
  await stopContainer(name, opts?.stopTimeoutS ?? 10, opts);
  await rm(join(lxcPathOf(opts), name), { recursive: true, force: true });
}

export async function freezeContainer(name: string, opts?: LxcOptions): Promise<void> {
  const info = await containerInfo(name, opts);
  if (info.state === 'FROZEN') return;
  requireRunning(name, info.state, 'frozen');
  await runTool('lxc-freeze', ['-P', lxcPathOf(opts), '-n', name], { subject: `Container "${name}"`, timeoutMs: 15_000 });
  await waitForState(name, ['FROZEN'], 15_000, opts);
}

export async function unfreezeContainer(name: string, opts?: LxcOptions): Promise<void> {
  const info = await containerInfo(name, opts);
  if (info.state === 'RUNNING') return;
  if (info.state !== 'FROZEN' && info.state !== 'FREEZING' && info.state !== 'THAWED') requireRunning(name, info.state, 'unfrozen');
  await runTool('lxc-unfreeze', ['-P', lxcPathOf(opts), '-n', name], { subject: `Container "${name}"`, timeoutMs: 15_000 });
  await waitForState(name, ['RUNNING'], 15_000, opts);
}

export function requireRunning(name: string, state: string, what: string): void {
  if (state === 'RUNNING') return;
  if (state === 'ABSENT') {
    throw new ParadropError('CONTAINER_NOT_FOUND', `Container "${name}" does not exist, so it cannot be ${what}`,
      { value: name, expected: 'an existing container' });
  }
  throw new ParadropError('CONTAINER_NOT_RUNNING', `Container "${name}" is ${state}, so it cannot be ${what}`,
    { value: state, expected: 'RUNNING' });
}

/** Removes a cgroup directory and its (empty) children, deepest first; a busy one stays. */
async function rmdirTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) if (e.isDirectory()) await rmdirTree(join(dir, e.name));
  await rmdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') log('cgroup %s stays: %s', `'${dir}'`, err.code);
  });
}

/**
 * LXC 5.0.2 on a hybrid host sometimes cannot remove `lxc.monitor.NAME` ("Device or resource busy":
 * the monitor is still in it when it tries) and leaves it behind in each v1 hierarchy. Once the
 * container has stopped they are empty, so we remove them, and any payload cgroup left over.
 */
async function removeLeftoverCgroups(name: string): Promise<void> {
  const layout = await detectCgroup();
  const mounts = new Set(Object.values(layout.v1).map((m) => m.mountPoint));
  if (layout.unified) mounts.add(layout.unified.mountPoint);
  for (const mp of mounts) {
    for (const leaf of [`lxc.monitor.${name}`, `lxc.payload.${name}`]) await rmdirTree(join(mp, leaf));
  }
}
