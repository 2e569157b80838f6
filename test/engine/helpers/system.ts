// System-test helpers for the engine, as root with real LXC: a private state directory and chute
// store per test, small generated chutes, the built CLI (dist/paradrop.js) run as a child process,
// a snapshot of what is on the SYSTEM (containers, mounts, loop devices, cgroups, files, UCI,
// the state file) rather than what our state file claims, and cleanup that removes everything
// even when the test failed. Chutes without network interfaces (lxc.net.0.type = empty) run in
// the host's namespaces; anything with interfaces runs in a gateway namespace pair the test
// makes (makeGatewayNs): a network namespace `pdt-*`, and a private mount namespace in which
// /sys shows that network namespace (LXC asks sysfs whether a link is a bridge) while the cgroup
// mounts stay. Every CLI call of the test enters both, so they all see the same chute mounts;
// nothing touches the host's network.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile, lstat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export const REPO = process.cwd();
export const CLI = join(REPO, 'dist/paradrop.js');
const NFT = '/usr/sbin/nft';

export interface SysEnv {
  root: string;
  stateDir: string;
  store: string;
  env: Record<string, string>;
  /** The gateway namespaces (network + mount), held by a sleeping process. */
  ns?: { name: string; pid: number };
}

/** Runs a command in the test's gateway namespaces, if it has them, else here. */
export async function sysExec(e: SysEnv, file: string, args: string[], env: Record<string, string> = {}) {
  const [f, a] = e.ns === undefined ? [file, args] : ['nsenter', ['-t', String(e.ns.pid), '-m', '-n', file, ...args]];
  return execa(f, a, { env: { ...process.env, ...env }, reject: false, timeout: 120_000 });
}

export function uniqueName(prefix: string): string {
  return `${prefix}${randomBytes(3).toString('hex')}`;
}

export async function makeSysEnv(t: { teardown(fn: () => Promise<void>): void; log(...s: unknown[]): void }): Promise<SysEnv> {
  if (process.getuid?.() !== 0) throw new Error('the engine system tests need root (LXC, mounts, cgroups)');
  const root = await mkdtemp(join(tmpdir(), 'pd-eng-'));
  const e: SysEnv = {
    root, stateDir: join(root, 'state'), store: join(root, 'store'),
    env: { PARADROP_STATE_DIR: join(root, 'state'), PARADROP_STORE: join(root, 'store'), PARADROP_GRACE: '0' },
  };
  await mkdir(e.store, { recursive: true });
  t.teardown(async () => {
    const left = await cleanupSysEnv(e);
    if (left.length > 0) t.log(`cleanup: ${left.join('; ')}`);
  });
  return e;
}

/**
 * The gateway namespaces for chutes with network interfaces (see the file comment). The sleeper
 * holds them; teardown (cleanupSysEnv) removes the containers, mounts, the sleeper and the netns.
 */
export async function makeGatewayNs(e: SysEnv): Promise<void> {
  const name = `pdt-${randomBytes(4).toString('hex')}`;
  await execa('ip', ['netns', 'add', name]);
  e.ns = { name, pid: 0 };
  await execa('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  const cg = join(e.root, 'cg');
  const script = `set -e; mkdir -p ${cg}; mount --rbind /sys/fs/cgroup ${cg}; mount -t sysfs sysfs /sys; ` +
    `mount --rbind ${cg} /sys/fs/cgroup; umount -R ${cg}; rmdir ${cg}; echo ready; exec sleep 1000000`;
  const child = execa('nsenter', [`--net=/run/netns/${name}`, 'unshare', '--mount', '--propagation', 'slave', 'sh', '-c', script],
    { reject: false, stdin: 'ignore', detached: true, cleanup: false });
  child.catch(() => undefined);
  await waitFor('the gateway namespaces', 10_000, async () => (String(await readFile(`/proc/${child.pid}/cmdline`, 'utf8')).startsWith('sleep') ? true : undefined));
  e.ns.pid = child.pid!;
  child.unref?.();
}

export interface RunResult { exitCode: number | undefined; signal: string | undefined; stdout: string; stderr: string }

export async function cli(e: SysEnv, args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  const r = await sysExec(e, process.execPath, [CLI, ...args], { ...e.env, ...extraEnv });
  return { exitCode: r.exitCode, signal: r.signal ?? undefined, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export function sha1(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

export interface ChuteOptions {
  version?: string;
  /** Files put in the store and listed in the chute: store path → content. */
  files?: Array<{ name: string; path: string; store: string; content: string | Buffer; sha1?: string; extract?: boolean }>;
  runtime?: Array<{ name: string; program: string; args: string[] }>;
  resource?: Record<string, unknown>;
}

/** The default program: writes a line every second into /tmp/alive. */
export const ALIVE = { name: 'alive', program: '/bin/sh', args: ['-c', 'while true; do date >> /tmp/alive; sleep 1; done'] };

export async function writeChute(e: SysEnv, name: string, o: ChuteOptions = {}): Promise<string> {
  const dir = join(e.root, 'src', `${name}-${o.version ?? '1'}`);
  await mkdir(dir, { recursive: true });
  const files = [];
  for (const f of o.files ?? []) {
    await writeFile(join(e.store, f.store), f.content);
    files.push({ name: f.name, path: f.path, location: `@paradrop.server(${f.store})`, sha1: f.sha1 ?? sha1(f.content), ...(f.extract ? { todo: 'EXTRACT' } : {}) });
  }
  const chute = {
    name, version: o.version ?? '1', description: 'engine test chute', owner: 'tests',
    struct: { net: {} }, files, runtime: o.runtime ?? [ALIVE], ...(o.resource ? { resource: o.resource } : {}),
  };
  await writeFile(join(dir, 'chute.json'), JSON.stringify(chute, null, 2));
  return dir;
}

async function list(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

export interface Snapshot {
  containers: Record<string, { state: string; configSha: string }>;
  mounts: string[];
  loops: string[];
  cgroups: string[];
  chuteDirs: Record<string, string[]>;
  /** sha1 of each placed file under data/root and data/srv (what the chute's files became). */
  placed: Record<string, string>;
  uci: Record<string, string>;
  state: Record<string, { version: string; desired: string; overrides: unknown }>;
  journal: string[];
  cgroupLimits: Record<string, string>;
  /** Each chute's /.paradrop/run/resources.json (set-resources' request), times masked. */
  requests: Record<string, string>;
  /** In the gateway namespace: paradrop's links and addresses, root qdiscs, nftables tables. */
  network: string[];
  /** Every file under backup/ (leaked backups of transactions that are over) and cache/tmp/ (partial downloads). */
  leftovers: string[];
}

async function walkFiles(base: string, rel: string, out: Record<string, string>): Promise<void> {
  for (const n of await list(join(base, rel))) {
    const p = join(base, rel, n);
    const st = await lstat(p);
    if (st.isDirectory()) await walkFiles(base, join(rel, n), out);
    else out[join(rel, n)] = st.isSymbolicLink() ? 'link' : sha1(await readFile(p));
  }
}

/** What is on the system for this environment's chutes (names: the chutes the test uses). */
export async function snapshot(e: SysEnv, names: readonly string[]): Promise<Snapshot> {
  const lxcPath = join(e.stateDir, 'lxc');
  const s: Snapshot = { containers: {}, mounts: [], loops: [], cgroups: [], chuteDirs: {}, placed: {}, uci: {}, state: {}, journal: [], cgroupLimits: {}, requests: {}, network: [], leftovers: [] };
  for (const c of await list(lxcPath)) {
    const info = await sysExec(e, 'lxc-info', ['-P', lxcPath, '-n', c, '-s']);
    const config = await readFile(join(lxcPath, c, 'config'), 'utf8').catch(() => '');
    s.containers[c] = { state: /State:\s+(\S+)/.exec(String(info.stdout))?.[1] ?? 'ABSENT', configSha: sha1(config) };
  }
  const mountinfo = await readFile(e.ns === undefined ? '/proc/self/mountinfo' : `/proc/${e.ns.pid}/mountinfo`, 'utf8');
  s.mounts = mountinfo.split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => m.startsWith(e.root)).map((m) => m.slice(e.root.length)).sort();
  const loops = await execa('losetup', ['-a'], { reject: false });
  s.loops = String(loops.stdout).split('\n').filter((l) => l.includes(e.root)).map((l) => l.slice(l.indexOf(e.root) + e.root.length).replace(/\).*$/, '')).sort();
  for (const h of await list('/sys/fs/cgroup')) {
    for (const n of names) {
      for (const leaf of [`lxc.payload.pd-${n}`, `lxc.monitor.pd-${n}`]) {
        if ((await lstat(join('/sys/fs/cgroup', h, leaf)).catch(() => null)) !== null) s.cgroups.push(`${h}/${leaf}`);
      }
    }
  }
  s.cgroups.sort();
  const chutes = join(e.stateDir, 'chutes');
  for (const c of await list(chutes)) {
    s.chuteDirs[c] = await list(join(chutes, c));
    for (const sub of ['root', 'srv']) await walkFiles(join(chutes, c, 'data'), sub, s.placed);
    const req = await readFile(join(chutes, c, 'data', '.paradrop', 'run', 'resources.json')).catch(() => null);
    // Without its times, which differ from one run to the next.
    if (req !== null) s.requests[c] = req.toString().replace(/"(requestedAt|deadline)": "[^"]*"/g, '"$1": "T"');
  }
  s.placed = Object.fromEntries(Object.entries(s.placed).filter(([k]) => !k.includes('/.pd-')));
  for (const pkg of await list(join(e.stateDir, 'config'))) s.uci[pkg] = await readFile(join(e.stateDir, 'config', pkg), 'utf8');
  const state = JSON.parse(await readFile(join(e.stateDir, 'state.json'), 'utf8').catch(() => '{"chutes":{}}')) as
    { chutes: Record<string, { spec: { version: string }; desired: string; resourceOverrides?: unknown }> };
  for (const [n, r] of Object.entries(state.chutes)) s.state[n] = { version: r.spec.version, desired: r.desired, overrides: r.resourceOverrides ?? null };
  s.journal = await list(join(e.stateDir, 'journal'));
  for (const n of names) {
    for (const [ctl, file] of [['memory', 'memory.limit_in_bytes'], ['cpu', 'cpu.shares']] as const) {
      const v = await readFile(join('/sys/fs/cgroup', ctl, `lxc.payload.pd-${n}`, file), 'utf8').catch(() => null);
      if (v !== null) s.cgroupLimits[`${n}/${file}`] = v.trim();
    }
  }
  if (e.ns !== undefined) s.network = await networkFacts(e.ns.name);
  const left: Record<string, string> = {};
  await walkFiles(e.stateDir, 'backup', left);
  await walkFiles(e.stateDir, join('cache', 'tmp'), left);
  s.leftovers = Object.keys(left).sort();
  return s;
}

/** What paradrop may have made in the gateway's network namespace, normalized for comparison. */
async function networkFacts(ns: string): Promise<string[]> {
  const out: string[] = [];
  const links = JSON.parse(String((await execa('ip', ['-n', ns, '-j', 'addr', 'show'])).stdout)) as
    Array<{ ifname: string; master?: string; operstate: string; addr_info: Array<{ family: string; local: string; prefixlen: number }> }>;
  for (const l of links.filter((x) => x.ifname !== 'lo')) {
    const v4 = l.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`).join(',');
    out.push(`link ${l.ifname}${l.master ? ` master ${l.master}` : ''} ${v4}`.trim());
  }
  for (const q of String((await execa('tc', ['-n', ns, 'qdisc', 'show'])).stdout).split('\n')) {
    if (q.includes(' htb ')) out.push(q.replace(/refcnt \d+ /, '').replace(/direct_packets_stat \d+ /, '').trim()); // counters vary
  }
  for (const l of links.filter((x) => x.ifname.startsWith('vpd'))) {
    const classes = String((await execa('tc', ['-n', ns, 'class', 'show', 'dev', l.ifname], { reject: false })).stdout);
    for (const c of classes.split('\n').filter((x) => x)) out.push(`${l.ifname}: ${c.trim()}`);
  }
  // nft by its full path: under npx, node_modules/.bin holds an unrelated `nft` (@vercel/nft).
  const tables = await execa('ip', ['netns', 'exec', ns, NFT, 'list', 'tables'], { reject: false });
  if (tables.exitCode !== 0) throw new Error(`nft list tables in ${ns}: ${tables.stderr}`);
  for (const tline of String(tables.stdout).split('\n').filter((x) => x)) {
    const [, family, table] = tline.split(' ');
    const body = await execa('ip', ['netns', 'exec', ns, NFT, 'list', 'table', family!, table!], { reject: false });
    out.push(`${tline} ${sha1(String(body.stdout).replace(/packets \d+ bytes \d+/g, 'packets N bytes N'))}`); // counters vary
  }
  return out.sort();
}

/** Removes every container, mount, loop device and file of this environment. Never throws. */
export async function cleanupSysEnv(e: SysEnv): Promise<string[]> {
  const errors: string[] = [];
  const lxcPath = join(e.stateDir, 'lxc');
  for (const c of await list(lxcPath)) {
    await sysExec(e, 'lxc-stop', ['-P', lxcPath, '-n', c, '-k']);
  }
  const mountinfo = await readFile(e.ns === undefined ? '/proc/self/mountinfo' : `/proc/${e.ns.pid}/mountinfo`, 'utf8').catch(() => '');
  const mounts = mountinfo.split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => m.startsWith(e.root)).sort((a, b) => b.length - a.length);
  for (const m of mounts) {
    const r = await sysExec(e, 'umount', ['-l', m]);
    if (r.exitCode !== 0) errors.push(`umount ${m}: ${r.stderr}`);
  }
  if (e.ns !== undefined) {
    // Whatever still runs in the gateway's network namespace (the sleeper, a dnsmasq) goes with it.
    const pids = String((await execa('ip', ['netns', 'pids', e.ns.name], { reject: false })).stdout).split('\n').filter((x) => x);
    for (const pid of new Set([...pids, String(e.ns.pid)])) { try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ } }
    const r = await execa('ip', ['netns', 'del', e.ns.name], { reject: false });
    if (r.exitCode !== 0) errors.push(`ip netns del ${e.ns.name}: ${r.stderr}`);
  }
  const loops = await execa('losetup', ['-a'], { reject: false });
  for (const l of String(loops.stdout).split('\n').filter((x) => x.includes(e.root))) {
    await execa('losetup', ['-d', l.slice(0, l.indexOf(':'))], { reject: false });
  }
  for (const c of await list(lxcPath)) {
    for (const h of await list('/sys/fs/cgroup')) {
      for (const leaf of [`lxc.payload.${c}`, `lxc.monitor.${c}`]) await execa('rmdir', [join('/sys/fs/cgroup', h, leaf)], { reject: false });
    }
  }
  await rm(e.root, { recursive: true, force: true }).catch((err: unknown) => { errors.push(String(err)); });
  return errors;
}

/** Waits for `probe` to give a value, polling; throws after timeoutMs. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
