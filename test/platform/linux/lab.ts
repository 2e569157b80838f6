// Test helper: network namespaces for the Linux applier's tests, and the simulated home in them.
// Safety rules kept here: every command names a namespace this lab created (`ip -n NS`, `ip netns
// exec NS`); nothing is added to the root namespace; every child process is started by the lab
// and killed by its pid; every wait is bounded; cleanup() removes all of it and is called from
// afterEach.always / after.always, so it also runs after failures.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';

// Read once at import: the program is copied out of build/ so a concurrent rebuild cannot pull
// it from under a running test.
const NET_TOOL_SOURCE = readFileSync(new URL('./net-tool.js', import.meta.url), 'utf8');
const ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' };

export async function sh(file: string, args: string[], input?: string): Promise<string> {
  const r = await execa(file, args, { env: ENV, timeout: 20_000, ...(input !== undefined ? { input } : { stdin: 'ignore' as const }) });
  return r.stdout;
}

export class Lab {
  readonly id = randomBytes(3).toString('hex');
  private readonly toolPath = `/tmp/pdl-${this.id}-net-tool.mjs`;
  private readonly namespaces: string[] = [];
  private readonly children: ResultPromise[] = [];

  /** Creates `pdl-<id>-<role>` with loopback up. */
  async ns(role: string): Promise<string> {
    if (!this.namespaces.length) writeFileSync(this.toolPath, NET_TOOL_SOURCE);
    const name = `pdl-${this.id}-${role}`;
    await sh('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    await sh('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    return name;
  }

  ip(ns: string, ...args: string[]): Promise<string> {
    if (!this.namespaces.includes(ns)) throw new Error(`not a lab namespace: ${ns}`);
    return sh('ip', ['-n', ns, ...args]);
  }

  exec(ns: string, file: string, args: string[], input?: string): Promise<string> {
    if (!this.namespaces.includes(ns)) throw new Error(`not a lab namespace: ${ns}`);
    return sh('ip', ['netns', 'exec', ns, file, ...args], input);
  }

  /** Like exec, but never throws: exit code and both outputs. */
  async try(ns: string, file: string, args: string[]): Promise<{ exitCode: number; output: string }> {
    if (!this.namespaces.includes(ns)) throw new Error(`not a lab namespace: ${ns}`);
    const r = await execa('ip', ['netns', 'exec', ns, file, ...args], { env: ENV, timeout: 30_000, stdin: 'ignore', reject: false, all: true });
    return { exitCode: r.exitCode ?? -1, output: r.all ?? '' };
  }

  /** A veth pair: `a` in nsA, `b` in nsB, both up. */
  async veth(nsA: string, a: string, nsB: string, b: string): Promise<void> {
    await this.ip(nsA, 'link', 'add', a, 'type', 'veth', 'peer', 'name', b, 'netns', nsB);
    await this.ip(nsA, 'link', 'set', a, 'up');
    await this.ip(nsB, 'link', 'set', b, 'up');
  }

  /** Starts the net-tool servers on `ports` in `ns` and waits (bounded) until they listen. */
  async serve(ns: string, ports: number[], name = ns): Promise<void> {
    if (!this.namespaces.includes(ns)) throw new Error(`not a lab namespace: ${ns}`);
    const child = execa('ip', ['netns', 'exec', ns, process.execPath, this.toolPath, 'serve', ...ports.map(String)],
      { env: { ...ENV, NET_TOOL_SERVE_MS: '240000', NET_TOOL_NAME: name }, stdin: 'ignore', reject: false, buffer: false });
    this.children.push(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`servers in ${ns} not ready within 10 s`)), 10_000);
      child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) { clearTimeout(timer); resolve(); } });
      void child.then(() => { clearTimeout(timer); reject(new Error(`servers in ${ns} exited`)); });
    });
  }

  /** A long sleep in `ns`: a process whose pid stands for a chute's init. */
  async sleeper(ns: string): Promise<number> {
    const child = execa('ip', ['netns', 'exec', ns, 'sleep', '240'], { env: ENV, stdin: 'ignore', reject: false });
    this.children.push(child);
    for (let i = 0; i < 100; i++) {
      // `ip netns exec` execs sleep, so the child's pid is the sleeper once its namespace is set.
      const where = await sh('ip', ['netns', 'identify', String(child.pid)]).catch(() => '');
      if (where.trim() === ns) return child.pid!;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`sleeper in ${ns} did not start`);
  }

  /** Runs a net-tool client in `ns` and returns its JSON answer. */
  async tool(ns: string, args: string[], timeoutMs = 3000): Promise<Record<string, unknown>> {
    if (!this.namespaces.includes(ns)) throw new Error(`not a lab namespace: ${ns}`);
    const r = await execa('ip', ['netns', 'exec', ns, process.execPath, this.toolPath, ...args],
      { env: { ...ENV, NET_TOOL_TIMEOUT_MS: String(timeoutMs) }, stdin: 'ignore', timeout: timeoutMs + 10_000 });
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  }

  async cleanup(): Promise<void> {
    for (const c of this.children) c.kill('SIGKILL');
    await Promise.allSettled(this.children);
    // Whatever still runs in our namespaces (dnsmasq daemons of a failed test): kill by pid.
    for (const ns of this.namespaces) {
      const pids = await sh('ip', ['netns', 'pids', ns]).catch(() => '');
      for (const pid of pids.split('\n').map(Number).filter((p) => p > 1)) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone already */ }
      }
    }
    for (const ns of this.namespaces.splice(0)) await sh('ip', ['netns', 'del', ns]).catch(() => undefined);
    rmSync(this.toolPath, { force: true });
  }
}
