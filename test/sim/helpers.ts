// Test helper: a simulated home (scripts/sim-home) with its own prefix per test file, the
// processes a test starts in it, and HTTP from inside a namespace.
// Safety rules kept here: every namespace is one this file's home made (prefix pdt<random>-), or
// a stand-in made by stand-in.ts under the same prefix; processes are started by us and ended by
// their pid; every wait is bounded; teardown() ends our processes, then `sim-home down`, and is
// called from test.after.always so it also runs after failures.
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SIM_HOME = join(ROOT, 'scripts/sim-home');
export const SIM_DIR = join(ROOT, 'files/usr/share/paradrop/sim');
export const STORE = join(ROOT, 'files/usr/share/paradrop/examples');
const ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' };

export async function run(file: string, args: string[], opts: { reject?: boolean; input?: string; timeout?: number; env?: Record<string, string> } = {}) {
  return execa(file, args, {
    env: { ...ENV, ...opts.env }, timeout: opts.timeout ?? 30_000, reject: opts.reject ?? true,
    ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' as const }),
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns a value other than undefined/false, at most `ms`. */
export async function waitFor<T>(what: string, ms: number, check: () => Promise<T | undefined | false> | T | undefined | false, everyMs = 200): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await sleep(everyMs);
  }
}

/** A process we started, with its output kept for assertions. */
export class Proc {
  output = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess, readonly label: string) {
    child.stdout?.setEncoding('utf8').on('data', (c: string) => { this.output += c; });
    child.stderr?.setEncoding('utf8').on('data', (c: string) => { this.output += c; });
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  waitOutput(re: RegExp, ms = 10_000): Promise<RegExpExecArray> {
    return waitFor(`${this.label} to print ${re}`, ms, () => {
      if (!this.running && !re.test(this.output)) throw new Error(`${this.label} exited: ${this.output.slice(-2000)}`);
      return re.exec(this.output) ?? undefined;
    }, 100);
  }

  /** SIGTERM, a bounded wait, then SIGKILL; returns the exit code (null when killed). */
  async stop(ms = 5000): Promise<number | null> {
    if (!this.running) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const code = await Promise.race([this.exited, sleep(ms).then(() => 'timeout' as const)]);
    if (code !== 'timeout') return code;
    this.child.kill('SIGKILL');
    return this.exited;
  }
}

export interface HttpResult {
  status: number;
  type: string | null;
  location: string | null;
  body: Buffer;
  text: string;
}

// Runs inside a namespace for as long as the test: one JSON request a line on stdin, one JSON answer
// a line on stdout (a process per request would cost a Node start each time).
const CLIENT = `const rl = require('node:readline').createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  const { id, method, url, body } = JSON.parse(line);
  try {
    const r = await fetch(url, { method, body: body || undefined, redirect: 'manual', signal: AbortSignal.timeout(5000),
      headers: body ? { 'content-type': body.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded' } : {} });
    const buf = Buffer.from(await r.arrayBuffer());
    process.stdout.write(JSON.stringify({ id, status: r.status, type: r.headers.get('content-type'), location: r.headers.get('location'), body: buf.toString('base64') }) + '\\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ id, error: String(e.cause ?? e) }) + '\\n');
  }
});
rl.on('close', () => process.exit(0));`;

interface Pending { resolve: (r: HttpResult) => void; reject: (e: Error) => void }

/** The in-namespace HTTP client of one role. */
class NsClient {
  private next = 1;
  private buffered = '';
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly child: ChildProcess, private readonly role: string) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.buffered += chunk;
      let nl;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        const o = JSON.parse(line) as { id: number; error?: string; status: number; type: string | null; location: string | null; body: string };
        const p = this.pending.get(o.id);
        this.pending.delete(o.id);
        if (!p) continue;
        if (o.error !== undefined) p.reject(new Error(o.error));
        else {
          const buf = Buffer.from(o.body, 'base64');
          p.resolve({ status: o.status, type: o.type, location: o.location, body: buf, text: buf.toString('utf8') });
        }
      }
    });
    child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error(`the HTTP client in ${this.role} exited`));
      this.pending.clear();
    });
  }

  request(method: string, url: string, body?: string): Promise<HttpResult> {
    const id = this.next++;
    return new Promise<HttpResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} ${url} from ${this.role}: no answer within 10 s`));
      }, 10_000);
      this.pending.set(id, {
        resolve: (r) => { clearTimeout(timer); resolve(r); },
        reject: (e) => { clearTimeout(timer); reject(new Error(`${method} ${url} from ${this.role}: ${e.message}`)); },
      });
      this.child.stdin!.write(`${JSON.stringify({ id, method, url, body: body ?? '' })}\n`);
    });
  }
}

export class SimHome {
  readonly prefix = `pdt${randomBytes(3).toString('hex')}-`;
  readonly runDir = `/run/paradrop-sim-${this.prefix.replace(/-$/, '')}`;
  private readonly procs: Proc[] = [];
  private readonly clients = new Map<string, NsClient>();
  private readonly cleanups: Array<() => Promise<unknown>> = [];

  ns(role: string): string {
    return `${this.prefix}${role}`;
  }

  sim(args: string[], reject = true) {
    return run(SIM_HOME, [...args, '--prefix', this.prefix], { reject, timeout: 60_000 });
  }

  up(extra: string[] = []) {
    return this.sim(['up', ...extra]);
  }

  /** `ip netns exec NS-of-role file args`, awaited. */
  exec(role: string, file: string, args: string[], reject = true) {
    return run('ip', ['netns', 'exec', this.ns(role), file, ...args], { reject });
  }

  ip(role: string, ...args: string[]) {
    return run('ip', ['-n', this.ns(role), ...args]);
  }

  /** A long-running process in P-role (tracked: ended at teardown). */
  spawn(role: string, file: string, args: string[], env: Record<string, string> = {}, stdin: 'ignore' | 'pipe' = 'ignore'): Proc {
    const child = spawn('ip', ['netns', 'exec', this.ns(role), file, ...args], { env: { ...ENV, ...env }, stdio: [stdin, 'pipe', 'pipe'] });
    const p = new Proc(child, `${role}:${file.split('/').pop()}`);
    this.procs.push(p);
    return p;
  }

  /** HTTP from inside P-role (through one long-lived client process per role). */
  http(role: string, method: string, url: string, body?: string): Promise<HttpResult> {
    let client = this.clients.get(role);
    if (!client) {
      const proc = this.spawn(role, process.execPath, ['-e', CLIENT], {}, 'pipe');
      client = new NsClient(proc.child, role);
      this.clients.set(role, client);
    }
    return client.request(method, url, body);
  }

  async json<T>(role: string, method: string, url: string, body?: string): Promise<T> {
    const r = await this.http(role, method, url, body);
    if (r.status >= 400) throw new Error(`${method} ${url}: HTTP ${r.status} ${r.text}`);
    return JSON.parse(r.text) as T;
  }

  onTeardown(f: () => Promise<unknown>): void {
    this.cleanups.push(f);
  }

  async teardown(): Promise<void> {
    for (const p of this.procs) await p.stop();
    for (const f of this.cleanups.reverse()) await f().catch(() => undefined);
    await this.sim(['down'], false);
  }
}
