// `paradrop set-resources NAME [--memory 64M] [--cpu 512] [--net IFACE:down=KBPS[,up=KBPS]]...`:
// changes a chute's resources at run time, the chapter's way: first a request the chute can see
// (/.paradrop/run/resources.json, and SIGURG to its programs), then after the grace period
// (--grace SECONDS, default 10) the new limits are forced through the cgroup and tc. The values
// persist (restarts, reboots, and updates that leave those fields alone).
import type { CliIo } from './io.js';
import { EXIT_OK } from './exit-codes.js';
import { onePositional } from './args.js';
import { describeResult, printJson, runEngineCommand } from './output.js';
import { setResources, type ResourceOverrides } from '../engine/index.js';
import { ParadropError, quote } from '../errors.js';
import { parseSize, SIZE_EXPECTED } from '../chute/units.js';

const USAGE = 'usage: paradrop set-resources NAME [--memory SIZE] [--cpu SHARES] [--net IFACE:down=KBPS[,up=KBPS]]... [--grace SECONDS] [--json]';

function usageError(flag: string, value: string, expected: string): ParadropError {
  return new ParadropError('USAGE', `${flag} ${quote(value)}: expected ${expected}; ${USAGE}`, { path: flag, value, expected });
}

/** Pure: the overrides the flags ask for. */
export function parseResourceFlags(memory: string | undefined, cpu: string | undefined, net: readonly string[]): ResourceOverrides {
  const o: ResourceOverrides = {};
  if (memory !== undefined) {
    const r = parseSize(memory);
    if (!r.ok) throw usageError('--memory', memory, SIZE_EXPECTED);
    o.memoryBytes = r.bytes;
  }
  if (cpu !== undefined) {
    if (!/^\d+$/.test(cpu) || Number(cpu) < 2 || Number(cpu) > 262144) throw usageError('--cpu', cpu, 'CPU shares, a whole number from 2 to 262144 (1024 = an equal share)');
    o.cpuShares = Number(cpu);
  }
  for (const spec of net) {
    const m = /^([A-Za-z0-9_.-]+):(.+)$/.exec(spec);
    if (m === null) throw usageError('--net', spec, 'IFACE:down=KBPS[,up=KBPS], e.g. wan:down=5000');
    const bw: { downKbps?: number; upKbps?: number } = {};
    for (const part of m[2]!.split(',')) {
      const kv = /^(down|up)=(\d+)$/.exec(part.trim());
      if (kv === null || Number(kv[2]) < 1) throw usageError('--net', spec, 'down=KBPS and/or up=KBPS with whole kbps of at least 1');
      if (kv[1] === 'down') bw.downKbps = Number(kv[2]);
      else bw.upKbps = Number(kv[2]);
    }
    (o.net ??= {})[m[1]!] = { ...o.net?.[m[1]!], ...bw };
  }
  return o;
}

export async function setResourcesCommand(args: string[], io: CliIo): Promise<number> {
  return runEngineCommand({
    name: 'set-resources',
    usage: USAGE,
    options: { '--memory': 'string', '--cpu': 'string', '--net': 'list' },
    async run(ctx, p) {
      const name = onePositional(p, 'chute name', USAGE);
      const o = parseResourceFlags(p.options.memory as string | undefined, p.options.cpu as string | undefined, (p.options.net as string[] | undefined) ?? []);
      if (Object.keys(o).length === 0) throw new ParadropError('USAGE', `nothing to change: give --memory, --cpu or --net; ${USAGE}`);
      const r = await setResources(ctx, name, o);
      if (p.json) printJson(io, r);
      else io.stdout(describeResult(r, `set the resources of ${name}`, `${name} already has these resources`));
      return EXIT_OK;
    },
  }, args, io);
}
