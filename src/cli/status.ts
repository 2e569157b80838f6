// `paradrop status NAME`: state and uptime, init pid, each program's pid, state and restarts,
// addresses, limits and live usage, resource overrides and the last request, notes.
import type { CliIo } from './io.js';
import { EXIT_OK } from './exit-codes.js';
import { onePositional } from './args.js';
import { formatDuration, formatSize, formatTable, printJson, runEngineCommand } from './output.js';
import { chuteStatus, type ChuteStatus } from '../engine/index.js';

const USAGE = 'usage: paradrop status NAME [--json] [--state-dir DIR]';

function indent(text: string, by = '    '): string {
  return text.split('\n').map((l) => (l === '' ? l : by + l)).join('\n');
}

export function formatStatus(s: ChuteStatus): string {
  const out: string[] = [];
  out.push(`${s.name} ${s.version}${s.description ? `: ${s.description}` : ''}`);
  const up = s.uptimeSeconds === null ? '' : `, up ${formatDuration(s.uptimeSeconds)}`;
  out.push(`  state:      ${s.state.toLowerCase()} (should be ${s.desired})${up}${s.initPid === null ? '' : `, init pid ${s.initPid}`}`);
  out.push(`  container:  ${s.container} (slot ${s.slot}), directory ${s.dir}`);
  if (s.source !== undefined) out.push(`  source:     ${s.source}`);
  out.push(`  installed:  ${s.installedAt}${s.updatedAt !== s.installedAt ? `, updated ${s.updatedAt}` : ''}`);
  if (s.programs.length > 0) {
    out.push('  programs:');
    const rows = [['NAME', 'STATE', 'PID', 'RESTARTS', 'LAST EXIT']];
    for (const p of s.programs) rows.push([p.name, p.state, p.pid === null ? '-' : String(p.pid), String(p.restarts), p.lastExit === null ? '-' : String(p.lastExit)]);
    out.push(indent(formatTable(rows)).trimEnd());
  } else {
    out.push('  programs:   none reported yet');
  }
  if (s.interfaces.length > 0) {
    out.push('  interfaces:');
    for (const i of s.interfaces) {
      const rate = [i.downKbps === undefined ? '' : `down ${i.downKbps} kbps`, i.upKbps === undefined ? '' : `up ${i.upKbps} kbps`].filter((x) => x).join(', ');
      const wifi = i.ssid === undefined ? '' : `, SSID ${JSON.stringify(i.ssid)}${i.radio ? ` on ${i.radio}` : ''}`;
      out.push(`    ${i.name} (${i.type}) ${i.intfName} ${i.address}, gateway ${i.gateway} on ${i.bridge}${wifi}${rate ? `; ${rate}` : ''}`);
    }
  } else {
    out.push('  interfaces: none (loopback only)');
  }
  out.push(`  limits:     cpu ${s.limits.cpuShares} shares, memory ${formatSize(s.limits.memoryBytes)}, disk ${formatSize(s.limits.diskKiB * 1024)}`);
  if (s.usage !== null) {
    const u = s.usage;
    const parts = [`memory ${formatSize(u.memoryBytes)}${u.memoryPeakBytes === null ? '' : ` (peak ${formatSize(u.memoryPeakBytes)})`}`];
    if (u.cpuUsageNs !== null) parts.push(`cpu ${(u.cpuUsageNs / 1e9).toFixed(2)} s`);
    if (u.pids !== null) parts.push(`${u.pids} tasks`);
    if (u.memoryLimitHits !== null) parts.push(`limit hit ${u.memoryLimitHits}x`);
    if (u.oomKills !== null) parts.push(`OOM kills ${u.oomKills}`);
    out.push(`  usage:      ${parts.join(', ')}`);
  }
  if (s.overrides !== undefined) out.push(`  set-resources overrides: ${JSON.stringify(s.overrides)}`);
  if (s.request !== null) out.push(`  last resource request: cpu ${s.request.cpuShares}, memory ${formatSize(s.request.memoryBytes)}, forced at ${s.request.deadline}`);
  for (const n of s.notes) out.push(`  note: ${n}`);
  return `${out.join('\n')}\n`;
}

export async function statusCommand(args: string[], io: CliIo): Promise<number> {
  return runEngineCommand({
    name: 'status',
    usage: USAGE,
    async run(ctx, p) {
      const s = await chuteStatus(ctx, onePositional(p, 'chute name', USAGE));
      if (p.json) printJson(io, s);
      else io.stdout(formatStatus(s));
      return EXIT_OK;
    },
  }, args, io);
}
