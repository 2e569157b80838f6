// `npm run bench`: prints figures for the targets of the compiler core (never asserts them; tests
// don't time anything). Targets: bundle < 300 KB, 100 chutes render < 100 ms, UCI parse >= 20 MB/s.
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseUci } from '../src/uci/parse.js';
import { exportUci } from '../src/uci/export.js';
import { compile } from '../src/plan/compile.js';
import { renderPlan } from '../src/plan/render.js';
import { defaultProfile } from '../src/plan/profile.js';
import type { Chute } from '../src/chute/types.js';
import type { GatewayProfile } from '../src/plan/types.js';

interface Figure { min: number; median: number; max: number }

function time(fn: () => void, runs: number): Figure {
  for (let i = 0; i < Math.min(3, runs); i++) fn(); // warm up the JIT
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { min: t[0]!, median: t[Math.floor(t.length / 2)]!, max: t[t.length - 1]! };
}

/** A realistic config of about `bytes` bytes: interfaces, anonymous rules, lists, comments, quoting. */
function generateConfig(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const s = i % 3 === 0
      ? `config interface 'if${i}'\n\toption device 'br-x${i}'\n\toption proto 'static'\n\toption ipaddr '10.${(i >> 8) & 255}.${i & 255}.1'\n\toption netmask '255.255.255.0'\n\tlist dns '1.1.1.1'\n\tlist dns '9.9.9.9'\n\n`
      : i % 3 === 1
        ? `# rule ${i}\nconfig rule\n\toption name "Allow-${i}"\n\toption src wan\n\toption proto udp\n\toption dest_port ${i % 65535}\n\toption target ACCEPT\n\toption family 'ipv4'\n\n`
        : `config redirect\n\toption name 'it'\\''s ${i}'\n\toption src 'lan'\n\toption src_dport '${1000 + (i % 60000)}'\n\toption dest_ip '10.0.0.${i & 255}'\n\toption target 'DNAT'\n\n`;
    parts.push(s);
    size += s.length;
  }
  return parts.join('');
}

function syntheticChute(i: number): Chute {
  const name = `chute-${i}`;
  return {
    name, version: '1', description: 'bench', owner: 'bench',
    struct: {
      net: [
        { name: 'wan', type: 'wan', intfName: 'eth0' },
        { name: 'wifi', type: 'wifi', intfName: 'eth1', ssid: `Bench${i}`, encryption: 'psk2', key: 'benchmark-key' },
      ],
    },
    files: [],
    resource: {
      cpu: { kind: 'value', value: 1024 },
      memory: { kind: 'value', value: 4 * 1024 * 1024 },
      net: { wan: { downKbps: 10000, upKbps: 5000 } },
    },
    runtime: [{ kind: 'program', name: 'main', program: 'node', args: ['/root/main.js'] }],
    traffic: [{
      name: 'web', kind: 'redirect', proto: 'tcp',
      from: { network: 'lan', address: '*', port: 10000 + i },
      to: { iface: 'wan', port: 80 },
    }],
  };
}

function benchProfile(): GatewayProfile {
  const p = defaultProfile();
  // 100 chutes × 2 interfaces need room: a /12 pool, plenty of RAM and radios with room for APs.
  return {
    ...p,
    subnetPool: '10.64.0.0/12',
    ramBytes: 64 * 1024 ** 3,
    radios: [{ name: 'radio0', band: '2g', maxAps: 64 }, { name: 'radio1', band: '5g', maxAps: 64 }],
  };
}

function mbps(bytes: number, ms: number): string {
  return (bytes / 1e6 / (ms / 1000)).toFixed(1);
}

const out: string[] = [];
const line = (s: string) => { out.push(s); console.log(s); };

// UCI codec throughput.
const text = generateConfig(1_000_000);
const pkg = parseUci(text, 'firewall');
const parse = time(() => { parseUci(text, 'firewall'); }, 20);
const exported = exportUci(pkg);
const ser = time(() => { exportUci(pkg); }, 20);
line(`uci parse   ${text.length} B, ${pkg.sections.length} sections: median ${parse.median.toFixed(2)} ms = ${mbps(text.length, parse.median)} MB/s (min ${parse.min.toFixed(2)}, max ${parse.max.toFixed(2)} ms)   target >= 20 MB/s`);
line(`uci export  ${exported.length} B: median ${ser.median.toFixed(2)} ms = ${mbps(exported.length, ser.median)} MB/s (min ${ser.min.toFixed(2)}, max ${ser.max.toFixed(2)} ms)`);

// Compile + render for 1, 10, 100 chutes together.
const profile = benchProfile();
for (const n of [1, 10, 100]) {
  const chutes = Array.from({ length: n }, (_, i) => {
    const c = syntheticChute(i);
    return { chute: c };
  });
  const f = time(() => { renderPlan(compile(profile, chutes)); }, n === 100 ? 30 : 100);
  line(`render ${String(n).padStart(3)} chute(s): median ${f.median.toFixed(2)} ms (min ${f.min.toFixed(2)}, max ${f.max.toFixed(2)} ms)${n === 100 ? '   target < 100 ms' : ''}`);
}

// Bundle sizes: the router's (what the .ipk ships) has the < 300 KB target; the generic one, for any
// Linux host, also carries the plain-Linux network applier and the `uci` subset.
for (const [file, what] of [['dist/openwrt/paradrop.js', 'router bundle (OpenWrt package)   target < 300 KB'], ['dist/paradrop.js', 'generic bundle (any Linux host)']]) {
  try {
    const size = statSync(file!).size;
    line(`${file}: ${size} bytes (${(size / 1024).toFixed(1)} KiB)   ${what}`);
  } catch {
    line(`${file}: missing (run npm run build)`);
  }
}
