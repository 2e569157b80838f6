// The example chutes in the default chute store (files/usr/share/paradrop/examples): they validate
// with no problem and no note, every file they list exists in the store with the hash they give
// (recomputed here, so the examples never drift), and their programs really serve their pages.
import test from 'ava';
import { createHash } from 'node:crypto';
import { spawn, execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadChute } from '../../src/chute/load.js';
import type { Chute } from '../../src/chute/types.js';

const STORE = fileURLToPath(new URL('../../../files/usr/share/paradrop/examples/', import.meta.url));
const EXAMPLES = ['seccam', 'envsense'];

for (const name of EXAMPLES) {
  test(`examples: ${name} validates without problems or notes`, async (t) => {
    const { chute, source } = await loadChute(join(STORE, name));
    t.is(chute.name, name);
    t.deepEqual(source.notes, []);
  });

  test(`examples: ${name} lists files whose sha1 matches the store`, async (t) => {
    const { chute } = await loadChute(join(STORE, name));
    t.true(chute.files.length > 0);
    for (const file of chute.files) {
      t.is(file.location.kind, 'store', file.name);
      if (file.location.kind !== 'store') continue;
      const bytes = await readFile(join(STORE, file.location.path));
      t.is(file.hash.algorithm, 'sha1');
      t.is(createHash('sha1').update(bytes).digest('hex'), file.hash.hex, `${name}: ${file.location.path}`);
    }
  });

  test(`examples: ${name} runs node on a file it installs`, async (t) => {
    const { chute } = await loadChute(join(STORE, name));
    const programs = chute.runtime.filter((r) => r.kind === 'program');
    t.true(programs.length > 0);
    for (const p of programs) {
      t.is(p.program, 'node');
      t.true(chute.files.some((f) => f.path === p.args[0]), `${p.name}: ${p.args[0]} is one of the chute's files`);
    }
    t.true(chute.runtime.some((r) => r.kind === 'dhcpserver'));
  });
}

function bandwidth(chute: Chute): unknown {
  return chute.resource.net;
}

test('examples: seccam is the chapter\'s SecCam with the 2014 traffic rules', async (t) => {
  const { chute } = await loadChute(join(STORE, 'seccam'));
  t.deepEqual(chute.struct.net.map((n) => [n.name, n.type, n.intfName, n.ipaddr, n.netmask, n.ssid, n.encryption]), [
    ['wan', 'wan', 'eth0', '10.100.12.1', '255.255.255.0', undefined, undefined],
    ['wifi', 'wifi', 'eth1', '10.100.13.1', '255.255.255.0', 'SecCam', 'psk2'],
  ]);
  t.deepEqual(chute.traffic.map((r) => [r.name, r.from, r.to, r.proto]), [
    ['Web', { network: 'lan', address: '*', port: 5000 }, { iface: 'wifi', address: '10.100.13.1', port: 80 }, 'tcp'],
    ['HostSSH', { network: 'lan', address: '*', port: 5001 }, { iface: 'wifi', address: '10.100.13.1', port: 22 }, 'tcp'],
  ]);
  t.deepEqual([chute.resource.cpu, chute.resource.memory], [{ kind: 'default' }, { kind: 'default' }]);
  t.deepEqual(bandwidth(chute), { wan: { downKbps: 25000, upKbps: 10000 }, wifi: { downKbps: 25000, upKbps: 10000 } });
});

test('examples: envsense has its own subnets, SSID and port forward', async (t) => {
  const { chute } = await loadChute(join(STORE, 'envsense'));
  t.deepEqual(chute.struct.net.map((n) => [n.name, n.type, n.ipaddr, n.ssid]), [
    ['wan', 'wan', '10.100.20.1', undefined],
    ['wifi', 'wifi', '10.100.21.1', 'EnvSense'],
  ]);
  t.deepEqual(chute.traffic.map((r) => [r.from, r.to]), [[{ network: 'lan', address: '*', port: 5002 }, { iface: 'wifi', address: '10.100.21.1', port: 80 }]]);
  t.is(chute.struct.diskKiB, 65536);
  t.deepEqual(chute.resource.memory, { kind: 'value', value: 64 * 1024 * 1024 });
});

/** Unpacks the chute's www archive and starts its program on a free port; returns its base URL. */
async function startExample(t: { teardown: (f: () => unknown) => void }, name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `pd-${name}-`));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const www = join(dir, 'www');
  await mkdir(www);
  await promisify(execFile)('tar', ['-xzf', join(STORE, name, 'www.tar.gz'), '-C', www]);
  const child = spawn(process.execPath, [join(STORE, name, `${name}.js`), '--port', '0', '--www', www, '--data', join(dir, 'data', 'readings.jsonl')],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => child.kill());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 10 s`)), 10_000);
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const m = /listening on port (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}: ${out}`)));
  });
}

test('examples: the seccam program serves its page and status', async (t) => {
  const base = await startExample(t, 'seccam');
  const page = await fetch(`${base}/`);
  t.is(page.status, 200);
  t.true((await page.text()).includes('<title>SecCam</title>'));
  const status = await (await fetch(`${base}/api/status`)).json() as { chute: string; images: string[] };
  t.is(status.chute, 'seccam');
  t.deepEqual(status.images, []);
  t.is((await fetch(`${base}/%2e%2e/%2e%2e/etc/passwd`)).status, 404);
});

test('examples: the envsense program stores readings and serves its chart', async (t) => {
  const base = await startExample(t, 'envsense');
  const page = await fetch(`${base}/`);
  t.is(page.status, 200);
  t.true((await page.text()).includes('<title>EnvSense</title>'));
  t.is((await fetch(`${base}/chart.js`)).status, 200);
  const post = await fetch(`${base}/api/readings`, { method: 'POST', body: JSON.stringify({ sensor: 'kitchen', temperature: 21.5 }) });
  t.is(post.status, 201);
  const bad = await fetch(`${base}/api/readings`, { method: 'POST', body: '{"sensor": "a b"}' });
  t.is(bad.status, 400);
  const readings = await (await fetch(`${base}/api/readings`)).json() as Array<{ sensor: string; temperature: number }>;
  t.deepEqual(readings.map((r) => [r.sensor, r.temperature]), [['kitchen', 21.5]]);
});
