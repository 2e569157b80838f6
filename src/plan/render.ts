// renderPlan(state): the desired state as text for people, `paradrop render`'s output. Pure and
// deterministic. Each UCI package is printed in `uci export` format and each LXC config verbatim
// (both exactly what would be written, so they can be copied), between `=== ... ===` headings;
// limits, shaping, programs, files and notes are summarised. Nothing here decides anything: it
// only shows what compile() decided.
import type { ChuteFile } from '../chute/types.js';
import type { ChutePlan, DesiredState, PlanFile, UciPackageName } from './types.js';
import { exportPackage } from './uci-text.js';

const PACKAGES: UciPackageName[] = ['network', 'wireless', 'dhcp', 'firewall'];

/** argv as a shell would need it typed: plain words bare, anything else in single quotes. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_./=:,@%+-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(' ');
}

function table(rows: string[][], indent = '  '): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows.map((r) => (indent + r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).trimEnd());
}

function location(f: ChuteFile): string {
  switch (f.location.kind) {
    case 'store': return `@paradrop.server(${f.location.path})`;
    case 'url': return f.location.url;
    case 'file': return f.location.path;
  }
}

/** Where the file lands; `(path /root)` when its path named the directory it goes into. */
function target(f: PlanFile): string {
  return f.target === f.path ? f.target : `${f.target} (path ${f.path})`;
}

function mib(bytes: number): string {
  const m = bytes / (1024 * 1024);
  return `${Number.isInteger(m) ? m : m.toFixed(1)} MiB`;
}

function renderChute(c: ChutePlan): string[] {
  const out = [
    `=== chute ${c.name} ===`,
    ...table([
      ['version', c.version], ['slot', c.slot], ['container', c.container], ['directory', c.dir], ['disk', `${c.diskKiB} KiB`],
    ], ''),
    'interfaces',
    ...table(c.interfaces.map((i) => [
      i.name, `${i.type} type`, `${i.intfName} ${i.chuteAddress}/${i.prefixLength}`, `gateway ${i.gatewayAddress}`,
      `bridge ${i.bridge}`, `veth ${i.hostVeth}`, `zone ${i.zone}`,
      i.type !== 'wifi' ? '' : i.radio == null ? `ssid '${i.ssid ?? ''}' not broadcast` : `ssid '${i.ssid ?? ''}' on ${i.radio}`,
    ])),
    `limits (cgroup ${c.limits.version})`,
    ...table(Object.entries(c.limits.files).map(([file, value]) => [file, value,
      file.startsWith('cpu.') ? `(cpu shares ${c.limits.cpuShares}${c.limits.version === 'v2' ? `, weight ${c.limits.cpuWeight}` : ''})` : `(${mib(Number(value))})`])),
    'shaping',
  ];
  if (c.shaping.length === 0) out.push('  none');
  const rows: string[][] = [];
  for (const s of c.shaping) {
    if (s.down) rows.push([s.iface, 'down', `${s.down.kbps} kbit/s`, `egress of ${s.down.dev} (gateway side of the veth)`]);
    if (s.up) rows.push([s.down ? '' : s.iface, 'up', `${s.up.kbps} kbit/s`, `ingress of ${s.up.dev} redirected to ${s.up.ifb}, shaped on its egress (gateway side)`]);
  }
  out.push(...table(rows));
  out.push('programs');
  if (c.runtime.length === 0) out.push('  none');
  for (const p of c.runtime) {
    const title = p.title === undefined ? '' : ` ("${p.title}")`;
    out.push(`  ${p.name}${title}${p.origin === 'dhcpserver' ? ' (@net.runtime.dhcpserver)' : ''}:`, `    ${shellQuote(p.argv)}`);
  }
  out.push('files');
  if (c.files.length === 0) out.push('  none');
  out.push(...table(c.files.map((f) => [f.name, target(f), `<- ${location(f)}`, `${f.hash.algorithm} ${f.hash.hex}`, f.extract ? 'extract' : ''])));
  out.push(`--- lxc config of ${c.container} ---`, c.lxcConfig.replace(/\n$/, ''));
  return out;
}

export function renderPlan(state: DesiredState): string {
  const names = state.chutes.map((c) => c.name);
  const out = [`paradrop render: gateway profile '${state.profile}', ${names.length} chute${names.length === 1 ? '' : 's'}${names.length ? `: ${names.join(', ')}` : ''}`, ''];
  for (const pkg of PACKAGES) {
    out.push(`=== uci ${pkg} (paradrop's sections only) ===`, exportPackage(pkg, state.uci[pkg]).replace(/\n$/, ''));
  }
  for (const c of state.chutes) out.push(...renderChute(c), '');
  out.push('=== notes ===', ...(state.notes.length ? state.notes.map((n) => `- ${n}`) : ['none']));
  return `${out.join('\n')}\n`;
}
