// Gateway-served DHCP: one dnsmasq per UCI `dhcp` section that is served (no `ignore '1'`, its
// interface has a static address on an existing device), as OpenWrt's dnsmasq would serve it:
// range from network + `start`, `limit` addresses, `leasetime`. DHCP only (port=0: the gateway's
// DNS is not ours to run). Pid, lease, log and argument files live in the run directory.
// Invariants: started, restarted (arguments changed) and stopped idempotently; a process is
// signalled only when /proc shows it is the dnsmasq started with our pid file, so a recycled pid
// is never killed; every wait is bounded.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import debug from '../../log.js';
import { ParadropError } from '../../errors.js';
import { broadcastOf, formatIpv4, maskOfPrefix, networkOf, parseIpv4 } from './ipv4.js';
import type { DhcpModel, NetModel } from './model.js';
import { type RunContext, inNetns } from './run.js';

const log = debug('paradrop:linux:dhcp');
const PREFIX = 'dnsmasq-';
const SAFE_NAME = /^[A-Za-z0-9_]+$/;

export interface DhcpInstance {
  interface: string;
  device: string;
  args: string[];
}

export interface DhcpFiles {
  pid: string;
  leases: string;
  log: string;
  args: string;
}

export function dhcpFiles(runDir: string, iface: string): DhcpFiles {
  const base = join(runDir, `${PREFIX}${iface}`);
  return { pid: `${base}.pid`, leases: `${base}.leases`, log: `${base}.log`, args: `${base}.args.json` };
}

/** The lease range OpenWrt's dnsmasq init computes: network + start, `limit` long, below broadcast. */
export function leaseRange(d: DhcpModel): { first: string; last: string; netmask: string } | undefined {
  if (!d.gateway) return undefined;
  const addr = parseIpv4(d.gateway.address);
  if (addr === undefined || d.gateway.prefix > 30) return undefined;
  const net = networkOf(addr, d.gateway.prefix);
  const bcast = broadcastOf(addr, d.gateway.prefix);
  const first = net + d.start;
  const last = Math.min(first + d.limit - 1, bcast - 1);
  if (first >= bcast || last < first) return undefined;
  return { first: formatIpv4(first), last: formatIpv4(last), netmask: formatIpv4(maskOfPrefix(d.gateway.prefix)) };
}

/** What dnsmasq should run, per served interface. Pure. */
export function dhcpInstances(model: NetModel, runDir: string): DhcpInstance[] {
  const out: DhcpInstance[] = [];
  for (const d of model.dhcp) {
    if (!d.served || d.device === undefined || !d.gateway || !SAFE_NAME.test(d.interface)) continue;
    const range = leaseRange(d);
    if (!range) continue;
    const f = dhcpFiles(runDir, d.interface);
    out.push({
      interface: d.interface,
      device: d.device,
      args: [
        '--conf-file=/dev/null', '--port=0', '--no-resolv', '--no-hosts', '--bind-interfaces', '--except-interface=lo',
        `--interface=${d.device}`, '--dhcp-authoritative',
        `--dhcp-range=${range.first},${range.last},${range.netmask},${d.leasetime}`,
        `--dhcp-option=option:router,${d.gateway.address}`,
        `--dhcp-leasefile=${f.leases}`, `--pid-file=${f.pid}`, `--log-facility=${f.log}`,
      ],
    });
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pid in the pid file, if that process is alive and is the dnsmasq we started with it. */
export function ourPid(files: DhcpFiles): number | undefined {
  if (!existsSync(files.pid)) return undefined;
  const pid = Number(readFileSync(files.pid, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes(`--pid-file=${files.pid}`) ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function stop(files: DhcpFiles): Promise<void> {
  const pid = ourPid(files);
  if (pid === undefined) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && ourPid(files) !== undefined; i++) await sleep(50);
  if (ourPid(files) !== undefined) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 20 && ourPid(files) !== undefined; i++) await sleep(50);
}

async function start(ctx: RunContext, inst: DhcpInstance, files: DhcpFiles): Promise<void> {
  rmSync(files.pid, { force: true });
  await inNetns(ctx, ctx.dnsmasq, inst.args);
  for (let i = 0; i < 40 && ourPid(files) === undefined; i++) await sleep(50);
  if (ourPid(files) === undefined) {
    throw new ParadropError('COMMAND_FAILED', `dnsmasq for interface '${inst.interface}' (${inst.device}) did not stay up; see ${files.log}`,
      { value: inst.args.join(' '), expected: 'a running dnsmasq' });
  }
  writeFileSync(files.args, JSON.stringify(inst.args));
}

/** Brings the dnsmasq processes in `runDir` to `instances`. Returns what it changed. */
export async function applyDhcp(ctx: RunContext, runDir: string, instances: readonly DhcpInstance[]): Promise<string[]> {
  mkdirSync(runDir, { recursive: true });
  const done: string[] = [];
  const wanted = new Set(instances.map((i) => i.interface));
  for (const name of readdirSync(runDir)) {
    const m = /^dnsmasq-([A-Za-z0-9_]+)\.args\.json$/.exec(name) ?? /^dnsmasq-([A-Za-z0-9_]+)\.pid$/.exec(name);
    if (!m || wanted.has(m[1]!)) continue;
    const files = dhcpFiles(runDir, m[1]!);
    if (ourPid(files) !== undefined) done.push(`stop dnsmasq of '${m[1]}'`);
    await stop(files);
    for (const f of Object.values(files)) rmSync(f, { force: true });
  }
  for (const inst of instances) {
    const files = dhcpFiles(runDir, inst.interface);
    const running = ourPid(files) !== undefined;
    const same = existsSync(files.args) && readFileSync(files.args, 'utf8') === JSON.stringify(inst.args);
    if (running && same) continue;
    if (running) {
      log('restart dnsmasq of %s', inst.interface);
      await stop(files);
      done.push(`restart dnsmasq of '${inst.interface}'`);
    } else {
      done.push(`start dnsmasq of '${inst.interface}'`);
    }
    await start(ctx, inst, files);
  }
  return done;
}
