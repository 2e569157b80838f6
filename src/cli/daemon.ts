// `paradrop daemon [--socket PATH]`: the procd service behind `ubus call paradrop ...` and LuCI
// (src/daemon). Settings come as for every command (flags, PARADROP_*, /etc/config/paradrop);
// the ubus socket from --socket, else PARADROP_UBUS_SOCKET, else ubusd's. On OpenWrt it refuses
// to start unless cgroup v2 alone is mounted. Runs until SIGTERM or SIGINT, then exits 0 once
// the running change finished (bounded).
import type { CliIo } from './io.js';
import { EXIT_OK } from './exit-codes.js';
import { parseArgs } from './args.js';
import { resolveSettings, systemPlatform } from './settings.js';
import { ParadropError } from '../errors.js';
import { detectCgroup } from '../platform/lxc/index.js';
import { checkOpenWrtCgroup, isOpenWrt } from '../platform/openwrt/index.js';
import { DEFAULT_SOCKET } from '../ubus/index.js';
import { startDaemon } from '../daemon/server.js';

declare const PARADROP_VERSION: string;

const USAGE = 'usage: paradrop daemon [--socket PATH] [--state-dir DIR] [--store DIR|URL] [--profile FILE] [--grace SECONDS] [--no-reconcile]';

export async function daemonCommand(args: string[], io: CliIo): Promise<number> {
  const p = parseArgs(args, { '--socket': 'string', '--no-reconcile': 'boolean' }, USAGE);
  if (p.help) { io.stdout(`${USAGE}\n`); return EXIT_OK; }
  if (p.positional.length > 0) throw new ParadropError('USAGE', `daemon takes no arguments; ${USAGE}`);
  const layout = await detectCgroup();
  if (await isOpenWrt(io.env)) checkOpenWrtCgroup(layout);
  const settings = await resolveSettings(p.global, io);
  const platform = await systemPlatform(settings, io.env);
  const socketPath = (p.options.socket as string | undefined) ?? io.env.PARADROP_UBUS_SOCKET ?? DEFAULT_SOCKET;
  const say = (line: string): void => io.stderr(`paradrop daemon: ${line}\n`);
  const d = await startDaemon({
    settings, platform, env: io.env, cgroup: layout.limitsVersion,
    version: typeof PARADROP_VERSION === 'string' ? PARADROP_VERSION : 'dev',
  }, { socketPath, say, noReconcile: p.options['no-reconcile'] === true });
  const onSignal = (sig: string): void => {
    say(`${sig}: stopping after the running change`);
    void d.stop();
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
  await d.stopped;
  say('stopped');
  return EXIT_OK;
}
