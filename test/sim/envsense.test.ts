// EnvSense's program (examples/envsense/envsense.js) run directly with node in a STAND-IN EnvSense
// chute (stand-in.ts; test/e2e runs the real install), fed by the sim's sensor (sensor.js,
// DHCP from the chute's compiled dnsmasq, posting to its router): readings are stored on the
// chute's disk and survive a restart, the file is rotated at its bound, the page shows the latest
// values and well-formed server-drawn SVG charts, and the program stays small.
import test from 'ava';
import { createRequire } from 'node:module';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Proc, SimHome, SIM_DIR, STORE, waitFor } from './helpers.js';
import { standInChute, type StandIn } from './stand-in.js';
import { allElements, parseXml } from './xml-check.js';

const require = createRequire(import.meta.url);
const sensorModule = require(join(SIM_DIR, 'sensor.js')) as { randomWalk(seed: number): () => Record<string, number> };

const home = new SimHome();
let chute: StandIn;
let dir = '';
let envsense: Proc;

interface Reading { sensor: string; time: string; temperature?: number; humidity?: number; co2?: number }

const base = () => `http://${chute.wifi.chuteAddress}`;
const get = (path: string) => home.http(chute.role, 'GET', `${base()}${path}`);
const readings = async (query = '') => home.json<Reading[]>(chute.role, 'GET', `${base()}/api/readings?limit=100000${query}`);
const dataFile = () => join(dir, 'var/lib/envsense/readings.jsonl');

function startEnvsense(port = 80, data = dataFile(), extra: string[] = []): Proc {
  return home.spawn(chute.role, process.execPath, [join(STORE, 'envsense/envsense.js'), '--port', String(port), '--www', join(dir, 'www'),
    '--data', data, '--resources', join(dir, 'resources.json'), ...extra]);
}

test.before(async () => {
  await home.up(['--sensor-interval', '0.3', '--no-home-nat']);
  chute = await standInChute(home, 'envsense');
  dir = await mkdtemp(join(tmpdir(), 'pd-envsense-'));
  await mkdir(join(dir, 'www'));
  await promisify(execFile)('tar', ['-xzf', join(STORE, 'envsense/www.tar.gz'), '-C', join(dir, 'www')]);
  envsense = startEnvsense();
  await envsense.waitOutput(/listening on port 80/);
  await home.sim(['attach-sensor', chute.wifi.bridge]);
});

test.after.always(async () => {
  await home.teardown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test.serial('envsense, stand-in chute: the sim\'s sensor gets a lease and its readings are stored on the chute\'s disk', async (t) => {
  const lines = await waitFor('3 stored readings', 30_000, async () => {
    const l = (await readFile(dataFile(), 'utf8').catch(() => '')).split('\n').filter(Boolean);
    return l.length >= 3 ? l : undefined;
  });
  for (const line of lines.slice(0, 3)) {
    const r = JSON.parse(line) as Reading;
    t.is(r.sensor, 'living-room');
    t.false(Number.isNaN(Date.parse(r.time)));
    t.true(r.temperature! > 10 && r.temperature! < 35, `temperature ${r.temperature}`);
    t.true(r.humidity! >= 15 && r.humidity! <= 90, `humidity ${r.humidity}`);
    t.true(r.co2! >= 400 && r.co2! <= 2500, `co2 ${r.co2}`);
  }
  const latest = await home.json<Record<string, Reading>>(chute.role, 'GET', `${base()}/api/latest`);
  t.deepEqual(Object.keys(latest['living-room']!).sort(), ['co2', 'humidity', 'sensor', 'temperature', 'time']);
});

test.serial('envsense, stand-in chute: sensor.js --count sends exactly N readings of its seeded random walk, then exits 0', async (t) => {
  const sensor = home.spawn('sensor', process.execPath, [join(SIM_DIR, 'sensor.js'), '--no-dhcp', '--url', `${base()}/api/readings`,
    '--sensor', 'kitchen', '--count', '5', '--interval', '0.1', '--seed', '7']);
  t.is(await Promise.race([sensor.exited, new Promise((r) => setTimeout(() => r('timeout'), 20_000))]), 0, sensor.output);
  const kitchen = await readings('&sensor=kitchen');
  const walk = sensorModule.randomWalk(7);
  t.deepEqual(kitchen.map(({ temperature, humidity, co2 }) => ({ temperature, humidity, co2 })), [walk(), walk(), walk(), walk(), walk()]);
});

test.serial('envsense, stand-in chute: the page shows the latest values and a well-formed SVG chart per quantity', async (t) => {
  const page = await get('/');
  t.is(page.status, 200);
  t.regex(page.text, /<title>EnvSense<\/title>/);
  const kitchen = (await readings('&sensor=kitchen')).at(-1)!;
  const row = /<tr><th scope="row">kitchen<\/th>(.*?)<\/tr>/.exec(page.text)?.[1] ?? '';
  t.true(row.includes(`${kitchen.temperature} °C`), row);
  t.true(row.includes(`${kitchen.co2} ppm`), row);
  const inline = [...page.text.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => parseXml(m[0]));
  t.deepEqual(inline.map((s) => allElements(s).find((e) => e.name === 'title')?.text.split(' (')[0]), ['Temperature', 'Humidity', 'CO₂']);

  const svg = await get('/chart.svg?quantity=temperature');
  t.is(svg.type, 'image/svg+xml');
  const root = parseXml(svg.text);
  t.is(root.name, 'svg');
  t.is(root.attrs.xmlns, 'http://www.w3.org/2000/svg');
  const els = allElements(root);
  const lines = els.filter((e) => e.name === 'polyline');
  t.true(lines.length >= 2, 'a line for each sensor');
  for (const l of lines) {
    const pts = l.attrs.points!.split(' ').map((p) => p.split(',').map(Number));
    t.true(pts.length >= 2 && pts.every(([x, y]) => x! >= 0 && x! <= 640 && y! >= 0 && y! <= 220), 'points inside the chart');
  }
  t.true(els.some((e) => e.name === 'text' && e.text.startsWith('living-room ')), 'a legend naming the sensor');
  t.is((await get('/chart.svg?quantity=wind')).status, 400);
  const empty = parseXml((await get('/chart.svg?quantity=pressure')).text);
  t.true(allElements(empty).some((e) => e.text.startsWith('No readings')), 'an empty chart says so');
  t.is((await get('/chart.js')).status, 200, 'the page helper from www.tar.gz');
});

test.serial('envsense, stand-in chute: /api/readings?since= and input checks', async (t) => {
  const all = await readings();
  const cut = all[2]!.time;
  const after = await readings(`&since=${encodeURIComponent(cut)}`);
  t.true(after.length > 0 && after.every((r) => r.time > cut));
  t.is((await get('/api/readings?since=yesterday')).status, 400);
  for (const [body, field] of [['{"sensor": "x", "humidity": 150}', 'humidity'], ['{"sensor": "x", "wind": 3}', 'wind'], ['{"sensor": "x"}', 'no quantity'], ['{"sensor": "a b", "co2": 500}', 'sensor']] as const) {
    const r = await home.http(chute.role, 'POST', `${base()}/api/readings`, body);
    t.is(r.status, 400, body);
    t.true((JSON.parse(r.text) as { error: string }).error.startsWith(field), r.text);
  }
});

test.serial('envsense, stand-in chute: readings survive a restart (SIGTERM exits 0)', async (t) => {
  const before = await readings();
  t.is(await envsense.stop(), 0);
  envsense = startEnvsense();
  await envsense.waitOutput(/listening on port 80/);
  const after = await readings();
  t.deepEqual(after.slice(0, before.length), before);
});

test.serial('envsense, stand-in chute: the data file is rotated at --max-bytes and both files are read back', async (t) => {
  const data = join(dir, 'rotate/readings.jsonl');
  const small = startEnvsense(8081, data, ['--max-bytes', '2000']);
  await small.waitOutput(/listening on port 8081/);
  for (let i = 0; i < 70; i++) {
    const r = await home.http(chute.role, 'POST', 'http://127.0.0.1:8081/api/readings', JSON.stringify({ sensor: 'probe', temperature: 20 + i / 10 }));
    t.is(r.status, 201);
  }
  t.true((await stat(data)).size <= 2000);
  t.true((await stat(`${data}.1`)).size <= 2000);
  const kept = (await readFile(`${data}.1`, 'utf8')).split('\n').filter(Boolean).length + (await readFile(data, 'utf8')).split('\n').filter(Boolean).length;
  t.true(kept < 70, 'older readings went with the old .1');
  t.is(await small.stop(), 0);
  const again = startEnvsense(8081, data, ['--max-bytes', '2000']);
  await again.waitOutput(/listening on port 8081/);
  const back = await home.json<Reading[]>(chute.role, 'GET', 'http://127.0.0.1:8081/api/readings?limit=1000');
  t.is(back.length, kept);
  t.is(back.at(-1)!.temperature, 20 + 69 / 10, 'the newest last');
  await again.stop();
});

test.serial('envsense, stand-in chute: stays small (RSS)', async (t) => {
  const proc = await readFile(`/proc/${envsense.pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(proc)?.[1]);
  t.log(`envsense.js serving a sensor every 0.3 s: VmRSS ${(kib('VmRSS') / 1024).toFixed(1)} MiB, RssAnon ${(kib('RssAnon') / 1024).toFixed(1)} MiB, RssFile ${(kib('RssFile') / 1024).toFixed(1)} MiB, VmHWM ${(kib('VmHWM') / 1024).toFixed(1)} MiB`);
  t.true(kib('RssAnon') < 40 * 1024);
  t.true(kib('VmHWM') < 64 * 1024);
});
