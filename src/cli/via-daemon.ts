// The CLI's one path to the daemon. When `paradrop daemon` serves the object `paradrop` on the
// ubus socket (PARADROP_UBUS_SOCKET, else ubusd's) for the same state directory, the chute
// commands (install, list, status, logs without -f, start, stop, restart, freeze, unfreeze,
// remove, set-resources) become ubus calls, so they queue behind the daemon's changes instead of
// waiting on its lock; the output and exit code are those of the direct run (same formatting
// code, same error text from the daemon). Everything else runs directly, and so does any call
// given --direct, PARADROP_DIRECT=1, --state-dir/--store/--profile/--grace (another setup than
// the daemon's), or -h. validate and render always run here: they read the caller's files.
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliIo } from './io.js';
import { EXIT_OK } from './exit-codes.js';
import { type OptionKind, onePositional, parseArgs, type ParsedArgs } from './args.js';
import { describeResult, engineExitCode, formatTable, printJson } from './output.js';
import { formatStatus } from './status.js';
import { parseResourceFlags } from './set-resources.js';
import { DEFAULT_STATE_DIR } from './settings.js';
import { readParadropUci } from './uci-settings.js';
import { ParadropError } from '../errors.js';
import type { ChuteStatus, ChuteSummary, OperationResult } from '../engine/index.js';
import { DEFAULT_SOCKET, fromBlobmsgFields, UbusClient } from '../ubus/index.js';
import { type DaemonErrorReply, fromErrorReply, isErrorReply } from '../daemon/error-reply.js';
import { CHANGE_EVENT, UBUS_OBJECT } from '../daemon/methods.js';
import type { DaemonChange } from '../daemon/changes.js';

interface Forward {
  options?: Record<string, OptionKind>;
  aliases?: Record<string, string>;
  /** null: this invocation runs directly (logs -f). */
  run(c: Session, p: ParsedArgs): Promise<void> | null;
}

interface Session {
  client: UbusClient;
  io: CliIo;
  call(method: string, args?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Calls a long method and waits for its change; prints its steps unless -q. */
  change(method: string, args: Record<string, unknown>, p: ParsedArgs): Promise<OperationResult & Record<string, unknown>>;
}

const name1 = (p: ParsedArgs): string => onePositional(p, 'chute name', 'see `paradrop --help`');

function lifecycle(verb: string, done: string, already: string): Forward {
  return {
    run: (c, p) => (async () => {
      const name = name1(p);
      const r = await c.change(verb, { name }, p);
      if (p.json) printJson(c.io, stripVersion(r));
      else c.io.stdout(describeResult(r, `${done} ${name}`, `${name} ${already}`));
    })(),
  };
}

function stripVersion(r: Record<string, unknown>): Record<string, unknown> {
  const { version: _v, ...rest } = r;
  return rest;
}

const FORWARDS: Record<string, Forward> = {
  list: {
    run: (c, p) => (async () => {
      if (p.positional.length > 0) throw new ParadropError('USAGE', 'list takes no arguments; usage: paradrop list [--json] [--state-dir DIR]');
      const chutes = ((await c.call('list')).chutes ?? []) as ChuteSummary[];
      if (p.json) { printJson(c.io, chutes); return; }
      if (chutes.length === 0) { c.io.stdout('no chutes installed; install one with `paradrop install DIR`\n'); return; }
      const rows = [['NAME', 'VERSION', 'DESIRED', 'STATE', 'ADDRESSES']];
      for (const x of chutes) rows.push([x.name, x.version, x.desired, x.state.toLowerCase(), x.addresses.join(' ') || '-']);
      c.io.stdout(formatTable(rows));
    })(),
  },
  status: {
    run: (c, p) => (async () => {
      const s = (await c.call('status', { name: name1(p) })) as unknown as ChuteStatus;
      if (p.json) printJson(c.io, s);
      else c.io.stdout(formatStatus(s));
    })(),
  },
  logs: {
    options: { '--follow': 'boolean', '--program': 'string', '--lines': 'string' },
    aliases: { '-f': '--follow', '-n': '--lines' },
    run(c, p) {
      if (p.options.follow === true) return null;
      return (async () => {
        const name = name1(p);
        const lines = (p.options.lines as string | undefined) ?? '50';
        if (!/^\d+$/.test(lines)) throw new ParadropError('USAGE', `-n "${lines}" is not a number of lines`);
        const r = await c.call('logs', { name, lines: Number(lines), ...(p.options.program === undefined ? {} : { program: p.options.program }) });
        c.io.stdout(String(r.text ?? ''));
      })();
    },
  },
  install: {
    run: (c, p) => (async () => {
      const arg = onePositional(p, 'chute directory, file or URL', 'usage: paradrop install DIR|chute.json|URL');
      const args = /^https?:\/\//i.test(arg) ? { url: arg } : { path: resolve(c.io.cwd, arg) };
      const r = await c.change('install', args, p);
      if (p.json) { printJson(c.io, r); return; }
      const verb = r.op === 'update' ? 'updated' : 'installed';
      c.io.stdout(describeResult(r, `${verb} ${r.chute} ${String(r.version)}`, `${r.chute} ${String(r.version)} is already installed; nothing to do`));
    })(),
  },
  start: lifecycle('start', 'started', 'is already running'),
  stop: lifecycle('stop', 'stopped', 'is already stopped'),
  restart: lifecycle('restart', 'restarted', 'was restarted'),
  freeze: lifecycle('freeze', 'froze', 'is already frozen'),
  unfreeze: lifecycle('unfreeze', 'unfroze', 'is already running (not frozen)'),
  remove: {
    options: { '--keep-data': 'boolean' },
    run: (c, p) => (async () => {
      const name = name1(p);
      const keepData = p.options['keep-data'] === true;
      const r = await c.change('remove', { name, keep_data: keepData }, p);
      if (p.json) printJson(c.io, { ...stripVersion(r), keepData });
      else c.io.stdout(describeResult(r, `removed ${name}${keepData ? ' (its data is kept; install it again to use it)' : ''}`, `removed ${name}`));
    })(),
  },
  'set-resources': {
    options: { '--memory': 'string', '--cpu': 'string', '--net': 'list' },
    run: (c, p) => (async () => {
      const name = name1(p);
      const o = parseResourceFlags(p.options.memory as string | undefined, p.options.cpu as string | undefined, (p.options.net as string[] | undefined) ?? []);
      if (Object.keys(o).length === 0) throw new ParadropError('USAGE', 'nothing to change: give --memory, --cpu or --net');
      const net = o.net === undefined ? undefined : Object.fromEntries(Object.entries(o.net).map(([k, v]) => [k, {
        ...(v.downKbps === undefined ? {} : { down: v.downKbps }), ...(v.upKbps === undefined ? {} : { up: v.upKbps }),
      }]));
      const args = { name, ...(o.cpuShares === undefined ? {} : { cpu: o.cpuShares }), ...(o.memoryBytes === undefined ? {} : { memory: String(o.memoryBytes) }), ...(net === undefined ? {} : { net }) };
      const r = await c.change('set_resources', args, p);
      if (p.json) printJson(c.io, stripVersion(r));
      else c.io.stdout(describeResult(r, `set the resources of ${name}`, `${name} already has these resources`));
    })(),
  },
};

class ReplyError extends Error {
  constructor(readonly reply: DaemonErrorReply) { super(reply.message); }
}

function session(client: UbusClient, io: CliIo): Session {
  const call = async (method: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> => {
    const raw = await client.callRaw(UBUS_OBJECT, method, args, { timeoutMs: 10 * 60_000 });
    const data = raw.data[0] === undefined ? {} : fromBlobmsgFields(raw.data[0]);
    if (raw.status !== 0) {
      if (isErrorReply(data)) throw new ReplyError(data);
      throw new ParadropError('UBUS_UNKNOWN_ERROR', `ubus call paradrop ${method} failed with status ${raw.status}`);
    }
    return data;
  };
  return {
    client, io, call,
    async change(method, args, p) {
      let id: string | undefined;
      let finished: ((rec: DaemonChange) => void) | undefined;
      const done = new Promise<DaemonChange>((r) => { finished = r; });
      let lastStep = '';
      const listener = await client.listen(CHANGE_EVENT, (_e, data) => {
        if (id === undefined || data.id !== id) return;
        const step = String(data.step ?? '');
        if (!p.quiet && data.state === 'running' && step !== lastStep && step !== 'started') io.stderr(`${step}\n`);
        lastStep = step;
        if (data.state === 'done' || data.state === 'failed') void call('change', { id }).then((rec) => finished?.(rec as unknown as DaemonChange));
      });
      try {
        id = String((await call(method, args)).change);
        // Events may have gone by before we knew the id: poll as well, bounded by the call timeout.
        const poll = setInterval(() => {
          void call('change', { id: id! }).then((rec) => {
            if (rec.state === 'done' || rec.state === 'failed') finished?.(rec as unknown as DaemonChange);
          }, () => undefined);
        }, 1000);
        const rec = await done.finally(() => clearInterval(poll));
        if (rec.state === 'failed') throw new ReplyError((rec.error ?? { code: 'UBUS_UNKNOWN_ERROR', message: 'the change failed' }) as DaemonErrorReply);
        return (rec.result ?? {}) as OperationResult & Record<string, unknown>;
      } finally {
        await listener.close().catch(() => undefined);
      }
    },
  };
}

async function daemonClient(io: CliIo): Promise<UbusClient | undefined> {
  const socketPath = io.env.PARADROP_UBUS_SOCKET ?? DEFAULT_SOCKET;
  if (!(await access(socketPath).then(() => true, () => false))) return undefined;
  const client = await UbusClient.connect({ socketPath, connectTimeoutMs: 1000, timeoutMs: 5000, reconnect: false }).catch(() => undefined);
  if (client === undefined) return undefined;
  try {
    if ((await client.lookup(UBUS_OBJECT)).length === 0) throw new Error('no paradrop object');
    const info = await client.call(UBUS_OBJECT, 'info');
    const uci = await readParadropUci(io.env);
    const mine = resolve(io.cwd, io.env.PARADROP_STATE_DIR ?? (typeof uci?.state_dir === 'string' ? uci.state_dir : DEFAULT_STATE_DIR));
    if (info?.stateDir !== mine) throw new Error('another state directory');
    return client;
  } catch {
    client.close();
    return undefined;
  }
}

/**
 * Runs `paradrop NAME ARGS` through the daemon when it can: `{exit}`. Otherwise `{args}` for the
 * direct run (ARGS without --direct).
 */
export async function routeViaDaemon(name: string, args: string[], io: CliIo): Promise<{ exit: number } | { args: string[] }> {
  const direct = args.includes('--direct');
  const rest = args.filter((a) => a !== '--direct');
  const fwd = FORWARDS[name];
  if (fwd === undefined || direct || io.env.PARADROP_DIRECT === '1') return { args: rest };
  let p: ParsedArgs;
  try {
    p = parseArgs(rest, fwd.options ?? {}, `usage: see \`paradrop ${name} --help\``, fwd.aliases);
  } catch {
    return { args: rest };
  }
  if (p.help || Object.keys(p.global).length > 0 || (name === 'logs' && p.options.follow === true)) return { args: rest };
  const client = await daemonClient(io);
  if (client === undefined) return { args: rest };
  try {
    await fwd.run(session(client, io), p);
    return { exit: EXIT_OK };
  } catch (err) {
    const e = err instanceof ReplyError ? fromErrorReply(err.reply) : err;
    if (!(e instanceof ParadropError)) throw e;
    io.stderr(`paradrop ${name}: ${e.message}\n`);
    if (p.json) io.stdout(`${JSON.stringify({ error: e.toJSON() }, null, 2)}\n`);
    return { exit: engineExitCode(e) };
  } finally {
    client.close();
  }
}
