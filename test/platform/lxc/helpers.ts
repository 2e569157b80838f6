// Test helpers for the LXC layer: a minimal ChutePlan whose LXC config is written the way the
// compiler will write it (read-only binds of the host's system dirs, writable dirs from the chute's
// disk, chute-init as init, no network), bounded polling, and cleanup that leaves nothing behind
// (containers, mounts, loop devices, directories, cgroups) even when a test fails.
import { mkdtemp, rm, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ChutePlan, ProgramPlan, CgroupLimits } from '../../../src/plan/types.js';
import { destroyContainer, stopContainer } from '../../../src/platform/lxc/container.js';
import { destroyChuteDirs } from '../../../src/platform/lxc/chute-dirs.js';
import { readChuteStatus, type ProgramStatus } from '../../../src/platform/lxc/chute-status.js';

/** chute-init from this repository (on a gateway: /usr/lib/paradrop/chute-init). */
export const CHUTE_INIT = join(process.cwd(), 'files/usr/lib/paradrop/chute-init');

export const RO_BINDS = ['/bin', '/sbin', '/lib', '/lib64', '/usr'];
export const WRITABLE = ['/etc', '/root', '/srv', '/tmp', '/var'];

export interface PlanOptions {
  programs: Array<{ name: string; argv: string[] }>;
  diskKiB?: number;
  memoryBytes?: number;
  cpuShares?: number;
  cpuset?: string;
}

/** The LXC config text the compiler emits for a default-rootfs chute, cgroup v1, no network. */
export function lxcConfigFor(container: string, dir: string, o: PlanOptions): string {
  const lines = [
    `lxc.uts.name = ${container.slice(3)}`,
    `lxc.rootfs.path = dir:${dir}/rootfs`,
    'lxc.rootfs.options = ro',
    'lxc.init.cmd = /.paradrop/init',
    'lxc.autodev = 1',
    'lxc.mount.auto = proc:mixed sys:ro',
    'lxc.tty.max = 0',
    'lxc.pty.max = 16',
    'lxc.console.path = none',
    ...RO_BINDS.map((d) => `lxc.mount.entry = ${d} ${d.slice(1)} none ro,bind,optional,create=dir 0 0`),
    ...WRITABLE.map((d) => `lxc.mount.entry = ${dir}/data${d} ${d.slice(1)} none rw,bind,create=dir 0 0`),
    `lxc.mount.entry = ${CHUTE_INIT} .paradrop/init none ro,bind,create=file 0 0`,
    `lxc.mount.entry = ${dir}/programs .paradrop/programs none ro,bind,create=file 0 0`,
    `lxc.mount.entry = ${dir}/data/.paradrop/run .paradrop/run none rw,bind,create=dir 0 0`,
    // No lxc.signal.halt: LXC's default SIGPWR, which chute-init handles like SIGTERM.
    'lxc.net.0.type = empty',
    'lxc.cap.drop = sys_admin sys_module sys_rawio sys_time mac_admin mac_override',
    `lxc.cgroup.memory.limit_in_bytes = ${o.memoryBytes ?? 256 * 1024 * 1024}`,
    `lxc.cgroup.cpu.shares = ${o.cpuShares ?? 1024}`,
  ];
  if (o.cpuset !== undefined) lines.push(`lxc.cgroup.cpuset.cpus = ${o.cpuset}`);
  return lines.join('\n') + '\n';
}

export interface TestChute {
  plan: ChutePlan;
  /** Temporary root holding the chute dir and the LXC path. */
  tmp: string;
  lxcPath: string;
}

export async function makeTestChute(o: PlanOptions): Promise<TestChute> {
  const tmp = await mkdtemp(join(tmpdir(), 'pd-lxc-'));
  const short = randomBytes(3).toString('hex');
  const name = `t${short}`;
  const container = `pd-${name}`;
  const dir = join(tmp, 'chute');
  const memoryBytes = o.memoryBytes ?? 256 * 1024 * 1024;
  const cpuShares = o.cpuShares ?? 1024;
  const limits: CgroupLimits = {
    version: 'v1', cpuShares, cpuWeight: Math.max(1, Math.round((cpuShares * 100) / 1024)), memoryBytes,
    files: { 'memory.limit_in_bytes': String(memoryBytes), 'cpu.shares': String(cpuShares) },
  };
  const runtime: ProgramPlan[] = o.programs.map((p) => ({ name: p.name, argv: p.argv, origin: 'program' }));
  const plan: ChutePlan = {
    name, version: '1', slot: 'ab', container, dir, diskKiB: o.diskKiB ?? 16 * 1024,
    lxcConfig: lxcConfigFor(container, dir, o), interfaces: [], limits, shaping: [], runtime, files: [],
  };
  return { plan, tmp, lxcPath: join(tmp, 'lxc') };
}

/** Stops and destroys the container, tears the dirs down, removes the temp root. Never throws. */
export async function cleanupTestChute(c: TestChute): Promise<string[]> {
  const errors: string[] = [];
  const note = (what: string) => (err: unknown) => { errors.push(`${what}: ${String(err)}`); };
  await stopContainer(c.plan.container, 2, { lxcPath: c.lxcPath }).catch(note('stop'));
  await destroyContainer(c.plan.container, { lxcPath: c.lxcPath, stopTimeoutS: 2 }).catch(note('destroy'));
  await destroyChuteDirs(c.plan).catch(note('dirs'));
  await rm(c.tmp, { recursive: true, force: true }).catch(note('tmp'));
  return errors;
}

/** Polls `probe` until it returns a value that is not undefined; throws after timeoutMs. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function statusOf(plan: ChutePlan, program: string): Promise<ProgramStatus | undefined> {
  return (await readChuteStatus(plan)).find((s) => s.name === program);
}

/** Host pids whose cgroup names this container (its init and every process in it). */
export async function processesOf(container: string): Promise<number[]> {
  const out: number[] = [];
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const cg = await readFile(`/proc/${e}/cgroup`, 'utf8').catch(() => '');
    if (cg.includes(`lxc.payload.${container}\n`) || cg.includes(`lxc.payload.${container}/`)) out.push(Number(e));
  }
  return out;
}

/** Cgroup directories LXC made for this container, in any hierarchy. */
export async function cgroupDirsOf(container: string): Promise<string[]> {
  const out: string[] = [];
  for (const h of await readdir('/sys/fs/cgroup')) {
    for (const leaf of [`lxc.payload.${container}`, `lxc.monitor.${container}`]) {
      const p = `/sys/fs/cgroup/${h}/${leaf}`;
      if (await readdir(p).then(() => true, () => false)) out.push(p);
    }
  }
  return out;
}
