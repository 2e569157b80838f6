// Validates `resource` (the chapter's Chute.resource): CPU shares, the memory limit and per-interface
// bandwidth. Pure. Every other key must be an interface of struct.net. DEFAULT macros stay symbolic
// (Amount {kind:'default'}); src/plan resolves them from the gateway profile.
import type { Amount, Bandwidth, ChuteResource } from './types.js';
import { type Obj, checkFields, expectInteger, expectObject, has, isObject, wrongType } from './check.js';
import { type ProblemList, joinPath, show } from './problems.js';
import { CPU_DEFAULT, MEMORY_DEFAULT, isMacro, reportBadMacro } from './macros.js';
import { MIB, SIZE_EXPECTED, formatBytes, parseSize } from './units.js';
import type { IfaceFacts } from './struct.js';
import { didYouMean } from './suggest.js';

/** cgroup v1 cpu.shares accepts 2..262144 (the kernel clamps outside it); v2 cpu.weight maps from it. */
const CPU_RULE = { min: 2, max: 262144, describe: 'a whole number of CPU shares from 2 to 262144' };

/**
 * Below about 4 MiB a container cannot even start its init and one program: the chute would be
 * OOM-killed while booting (the chapter's warning), which looks like a broken chute, not a limit.
 */
export const MIN_MEMORY_BYTES = 4 * MIB;
/** 1 TiB: beyond any gateway; keeps byte counts exact. */
const MAX_MEMORY_BYTES = 2 ** 40;

/** 10 Gbit/s: beyond any gateway link; tc takes kbit rates as 32-bit numbers. */
const KBPS_RULE = { min: 1, max: 10_000_000, describe: 'a positive number of kbps' };
const BANDWIDTH_FIELDS = ['down', 'up'] as const;

export function defaultResource(): ChuteResource {
  return { cpu: { kind: 'default' }, memory: { kind: 'default' }, net: {} };
}

export function parseResource(raw: unknown, path: string, problems: ProblemList, ifaces: Map<string, IfaceFacts>): ChuteResource {
  const resource = defaultResource();
  const obj = expectObject(raw, path, problems);
  if (!obj) return resource;
  const names = [...ifaces.keys()];
  for (const key of Object.keys(obj)) {
    if (key === 'cpu' || key === 'memory' || ifaces.has(key)) continue;
    const candidates = ['cpu', 'memory', ...names];
    const known = names.length === 0 ? 'struct.net has no interfaces' : `interfaces: ${names.join(', ')}`;
    problems.addAt('FIELD_UNKNOWN', joinPath(path, key), path,
      `${show(key)} is neither cpu, memory nor an interface of struct.net${didYouMean(key, candidates)} (${known})`,
      { value: key, expected: candidates.join(', ') });
  }
  if (has(obj, 'cpu')) {
    const cpu = parseCpu(obj.cpu, joinPath(path, 'cpu'), problems);
    if (cpu) resource.cpu = cpu;
  }
  if (has(obj, 'memory')) {
    const memory = parseMemory(obj.memory, joinPath(path, 'memory'), problems);
    if (memory) resource.memory = memory;
  }
  for (const key of Object.keys(obj)) {
    if (key === 'cpu' || key === 'memory' || !ifaces.has(key)) continue;
    const bw = parseBandwidth(obj[key], joinPath(path, key), problems);
    if (bw) resource.net[key] = bw;
  }
  return resource;
}

function parseCpu(value: unknown, path: string, problems: ProblemList): Amount | undefined {
  if (typeof value === 'string') {
    if (value.trim() === CPU_DEFAULT) return { kind: 'default' };
    if (isMacro(value)) reportBadMacro(problems, path, value, [CPU_DEFAULT]);
    else wrongType(problems, path, value, `a number of CPU shares or ${CPU_DEFAULT}`);
    return undefined;
  }
  const n = expectInteger(value, path, problems, CPU_RULE);
  return n === undefined ? undefined : { kind: 'value', value: n };
}

function parseMemory(value: unknown, path: string, problems: ProblemList): Amount | undefined {
  const expected = `bytes, ${SIZE_EXPECTED} or ${MEMORY_DEFAULT}`;
  let bytes: number;
  if (typeof value === 'string') {
    if (value.trim() === MEMORY_DEFAULT) return { kind: 'default' };
    if (isMacro(value)) {
      reportBadMacro(problems, path, value, [MEMORY_DEFAULT]);
      return undefined;
    }
    const parsed = parseSize(value);
    if (!parsed.ok) {
      problems.invalid(path, value, `${show(value)} is not a memory size: ${parsed.reason}`, expected);
      return undefined;
    }
    bytes = parsed.bytes;
  } else {
    const n = expectInteger(value, path, problems, { min: 0, max: MAX_MEMORY_BYTES, describe: 'a whole number of bytes' });
    if (n === undefined) return undefined;
    bytes = n;
  }
  if (bytes > MAX_MEMORY_BYTES) {
    problems.invalid(path, value, `${show(value)} is too large (expected at most 1T)`, expected);
    return undefined;
  }
  if (bytes < MIN_MEMORY_BYTES) {
    problems.invalid(path, value,
      `${show(value)} (${formatBytes(bytes)}) is too little: a chute needs at least 4M to start its init and program; below that it is OOM-killed while booting`,
      'at least 4M (4194304 bytes)');
    return undefined;
  }
  return { kind: 'value', value: bytes };
}

function parseBandwidth(raw: unknown, path: string, problems: ProblemList): Bandwidth | undefined {
  const obj: Obj | undefined = isObject(raw) ? raw : expectObject(raw, path, problems, 'an object {"down": kbps, "up": kbps}');
  if (!obj) return undefined;
  checkFields(obj, path, BANDWIDTH_FIELDS, problems);
  const bw: Bandwidth = {};
  if (has(obj, 'down')) {
    const down = expectInteger(obj.down, joinPath(path, 'down'), problems, KBPS_RULE);
    if (down !== undefined) bw.downKbps = down;
  }
  if (has(obj, 'up')) {
    const up = expectInteger(obj.up, joinPath(path, 'up'), problems, KBPS_RULE);
    if (up !== undefined) bw.upKbps = up;
  }
  return bw;
}
