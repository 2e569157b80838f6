// End-to-end test helper: a simulated home (scripts/sim-home, its own prefix per test file) with
// paradrop running on its gateway through `sim-home paradrop` (the gateway's network namespace plus
// the private mount namespace LXC needs), commands inside a chute (lxc-attach, entered from the
// gateway), and TCP probes with real traffic from any namespace or chute.
// Safety: everything lives in namespaces this home made; teardown (from test.after.always) ends the
// test's processes, then `sim-home down`, which removes every chute with `paradrop remove` before
// deleting the namespaces. Every wait is bounded.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, SIM_HOME, SimHome } from '../sim/helpers.js';

export { run, sleep, STORE, SIM_DIR, waitFor, type Proc } from '../sim/helpers.js';

// PATH as the caller has it (node may live outside /usr/bin), the sbin directories first.
const ENV = { PATH: `/usr/sbin:/usr/bin:/sbin:/bin:${process.env.PATH ?? ''}` };

/**
 * A TCP probe (argv: host, port, [text to send]): prints one JSON line {result, data}, result one
 * of open (connected; data is what came back within 1.5 s), refused (an RST), unreachable (an ICMP
 * error), timeout (nothing within 3 s: dropped).
 */
export const PROBE = `const net = require('node:net');
const [host, port, send] = process.argv.slice(1);
let data = '', done = false;
const end = (result) => { if (done) return; done = true; console.log(JSON.stringify({ result, data })); process.exit(0); };
const s = net.connect({ host, port: Number(port) });
s.setTimeout(3000, () => end(data ? 'open' : 'timeout'));
s.on('connect', () => { s.setTimeout(0); if (send) s.write(send.replace(/\\\\n/g, '\\r\\n')); setTimeout(() => end('open'), 1500); });
s.on('data', (c) => { data += c; });
s.on('end', () => end('open'));
s.on('error', (e) => end(e.code === 'ECONNREFUSED' ? 'refused' : /UNREACH/.test(e.code) ? 'unreachable' : e.code === 'ECONNRESET' && data ? 'open' : String(e.code)));`;

export interface ProbeResult { result: 'open' | 'refused' | 'unreachable' | 'timeout' | string; data: string }

export interface ChuteStatus {
  state: string;
  initPid: number;
  programs: Array<{ name: string; pid: number | null; state: string }>;
  interfaces: Array<{ name: string; address: string; gateway: string; subnet: string; bridge: string; hostVeth: string; downKbps: number; upKbps: number }>;
}

export class E2eHome extends SimHome {
  get stateDir(): string {
    return join(this.runDir, 'state');
  }

  /** `sim-home paradrop ARGS` (the prefix goes first: the rest is paradrop's). */
  pd(args: string[], reject = false) {
    return run(SIM_HOME, ['paradrop', '--prefix', this.prefix, ...args], { reject, timeout: 180_000, env: ENV });
  }

  /** `sim-home exec ROLE CMD...` (for the gateway: its network and mount namespaces). */
  simExec(role: string, args: string[], reject = false, timeout = 60_000) {
    return run(SIM_HOME, ['exec', '--prefix', this.prefix, role, ...args], { reject, timeout, env: ENV });
  }

  async status(name: string): Promise<ChuteStatus> {
    const r = await this.pd(['status', name, '--json'], true);
    return JSON.parse(String(r.stdout)) as ChuteStatus;
  }

  /** A command inside chute NAME's container, entered from the gateway. */
  inChute(name: string, args: string[], reject = false, timeout = 60_000) {
    return this.simExec('gateway', ['lxc-attach', '-P', join(this.stateDir, 'lxc'), '-n', `pd-${name}`, '--', ...args], reject, timeout);
  }

  /** A TCP probe from a role's namespace, or from a chute (`chute:NAME`). */
  async probe(from: string, host: string, port: number, send = ''): Promise<ProbeResult> {
    const args = [PROBE, host, String(port), send];
    const r = from.startsWith('chute:')
      ? await this.inChute(from.slice(6), ['node', '-e', ...args])
      : await run('ip', ['netns', 'exec', this.ns(from), process.execPath, '-e', ...args], { reject: false, env: ENV });
    const line = String(r.stdout).trim().split('\n').pop() ?? '';
    try {
      return JSON.parse(line) as ProbeResult;
    } catch {
      throw new Error(`probe ${from} -> ${host}:${port}: ${String(r.stdout)} ${String(r.stderr)}`);
    }
  }

  /** The state file's chute names (what sim-home down will remove). */
  async installed(): Promise<string[]> {
    const s = JSON.parse(await readFile(join(this.stateDir, 'state.json'), 'utf8').catch(() => '{"chutes":{}}')) as { chutes: object };
    return Object.keys(s.chutes).sort();
  }

  /** An HTTP GET with curl from a role's namespace: [status code, body]. */
  async curl(role: string, url: string, extra: string[] = []): Promise<{ code: number; body: string }> {
    const r = await run('ip', ['netns', 'exec', this.ns(role), 'curl', '-sS', '-m', '5', '-w', '\n%{http_code}', ...extra, url], { reject: false, env: ENV });
    const out = String(r.stdout);
    const nl = out.lastIndexOf('\n');
    return { code: Number(out.slice(nl + 1)) || 0, body: out.slice(0, Math.max(nl, 0)) };
  }
}
