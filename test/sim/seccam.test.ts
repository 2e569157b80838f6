// SecCam's program (examples/seccam/seccam.js) run directly with node in a STAND-IN SecCam chute
// (stand-in.ts; test/e2e runs the real install), against the sim's camera: it finds the camera
// in the dnsmasq leases, stores frames when motion happens and not when the scene is still, keeps
// the history bound, lists the frames on its gallery page, takes settings from POST (threshold,
// time-of-day window with an injected clock, rate, history), reads paradrop's resource request on
// SIGURG, keeps its pictures across a restart, and stays small.
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeReference } from './jpeg-reference.js';
import { type Proc, SimHome, STORE, waitFor } from './helpers.js';
import { parseLeases, standInChute, type StandIn } from './stand-in.js';

const home = new SimHome();
let chute: StandIn;
let dir = '';
let cameraIp = '';
let seccam: Proc;

interface Status { camera: string | null; polls: number; detecting: boolean; lastChangePercent: number | null; lastPollAt: string | null; stored: { events: number }; now: string; resources: { memoryBytes: number } | null }
interface EventInfo { name: string; url: string; bytes: number; time: string }

const api = <T>(method: string, path: string, body?: string) => home.json<T>(chute.role, method, `http://${chute.wifi.chuteAddress}${path}`, body);
const status = () => api<Status>('GET', '/api/status');
const events = () => api<EventInfo[]>('GET', '/api/events?limit=1000');
const setCamera = (motion: boolean) => home.json(chute.role, 'POST', `http://${cameraIp}/control`, JSON.stringify({ motion }));
const settings = (s: object) => api<Record<string, unknown>>('POST', '/api/settings', JSON.stringify(s));
const motionDir = () => join(dir, 'srv/seccam/motion');

/** Waits until seccam has polled `n` more frames (or, outside the window, looped `n` more times). */
async function morePolls(n: number, field: 'polls' | 'loops' = 'polls'): Promise<Status> {
  const first = await status();
  let loops = 0;
  let lastAt = first.lastPollAt;
  return waitFor(`${n} more polls`, 20_000, async () => {
    const s = await status();
    if (s.lastPollAt !== lastAt) {
      loops++;
      lastAt = s.lastPollAt;
    }
    return (field === 'polls' ? s.polls - first.polls >= n : loops >= n) ? s : undefined;
  }, 100);
}

function startSeccam(): Proc {
  return home.spawn(chute.role, process.execPath, [join(STORE, 'seccam/seccam.js'), '--port', '80', '--www', join(dir, 'www'),
    '--data-dir', join(dir, 'srv/seccam'), '--leases', join(chute.tmp, 'dnsmasq-*.leases'),
    '--resources', join(dir, 'resources.json'), '--now', '2017-06-01T03:00:00Z'], { TZ: 'UTC' });
}

test.before(async () => {
  await home.up(['--camera-motion-every', '0', '--no-home-nat', '--no-devices']);
  // Only the camera: started here in the sim's camera namespace as sim-home would.
  home.spawn('camera', process.execPath, [join(STORE, '../sim/camera.js'), '--iface', 'cam0', '--port', '80', '--run-dir', join(home.runDir, 'camera')]);
  chute = await standInChute(home, 'seccam');
  await home.sim(['attach-camera', chute.wifi.bridge]);
  cameraIp = (await waitFor('the camera\'s lease', 30_000, async () =>
    parseLeases(await readFile(chute.leaseFile, 'utf8').catch(() => '')).find((l) => l.hostname === 'DCS-931L'))).ip;
  dir = await mkdtemp(join(tmpdir(), 'pd-seccam-'));
  await mkdir(join(dir, 'www'));
  await promisify(execFile)('tar', ['-xzf', join(STORE, 'seccam/www.tar.gz'), '-C', join(dir, 'www')]);
  seccam = startSeccam();
  await seccam.waitOutput(/listening on port 80/);
});

test.after.always(async () => {
  await home.teardown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test.serial('seccam, stand-in chute: finds the camera in the dnsmasq leases and polls it', async (t) => {
  const s = await waitFor('seccam to find the camera', 20_000, async () => {
    const st = await status();
    return st.camera !== null && st.polls >= 2 ? st : undefined;
  });
  t.is(s.camera, `http://${cameraIp}/image/jpeg.cgi`);
  t.true(s.detecting);
  t.is(s.now.slice(0, 13), '2017-06-01T03', 'the injected clock');
  const health = await home.http(chute.role, 'GET', `http://${chute.wifi.chuteAddress}/healthz`);
  t.is(health.text, 'ok\n');
  const latest = await home.http(chute.role, 'GET', `http://${chute.wifi.chuteAddress}/latest.jpg`);
  t.is(latest.type, 'image/jpeg');
  t.is(decodeReference(latest.body).width, 320);
});

test.serial('seccam, stand-in chute: trusts only the lease files that a running dnsmasq writes, on the interfaces it serves', async (t) => {
  const candidates = async (pattern: string) => JSON.parse(String((await home.exec(chute.role, process.execPath,
    ['-e', 'console.log(JSON.stringify(require(process.argv[1]).leasedCandidates(process.argv[2])))', join(STORE, 'seccam/seccam.js'), pattern])).stdout)) as Array<{ ip: string }>;
  t.deepEqual((await candidates(join(chute.tmp, 'dnsmasq-*.leases'))).map((c) => c.ip), [cameraIp]);
  // A copy nobody writes (a stale file, another host's): its leases are never contacted.
  await writeFile(join(dir, 'stale-dnsmasq.leases'), await readFile(chute.leaseFile));
  t.deepEqual(await candidates(join(dir, 'stale-*.leases')), []);
});

test.serial('seccam, stand-in chute: a still scene stores nothing', async (t) => {
  await settings({ pollsPerSecond: 5, minEventSeconds: 0 });
  const s = await morePolls(8);
  t.is(s.stored.events, 0);
  t.is(s.lastChangePercent, 0);
  t.deepEqual(await events(), []);
});

test.serial('seccam, stand-in chute: motion stores the frames as received; stopping motion stops it', async (t) => {
  await setCamera(true);
  const stored = await waitFor('3 stored motion frames', 20_000, async () => {
    const e = await events();
    return e.length >= 3 ? e : undefined;
  });
  const files = (await readdir(motionDir())).sort();
  t.true(files.length >= 3);
  for (const e of stored.slice(0, 3)) {
    t.regex(e.name, /^20170601-03\d{4}-\d{3}(-\d+)?\.jpg$/, 'named by the (injected) time');
    const onDisk = await readFile(join(motionDir(), e.name));
    t.is(onDisk.length, e.bytes);
    const served = await home.http(chute.role, 'GET', `http://${chute.wifi.chuteAddress}${e.url}`);
    t.is(served.type, 'image/jpeg');
    t.true(served.body.equals(onDisk));
    t.is(decodeReference(onDisk).height, 240);
  }
  await setCamera(false);
  // The frame where the square leaves is one more change; after it, nothing more.
  const settled = (await morePolls(3)).stored.events;
  const later = await morePolls(8);
  t.is(later.stored.events, settled);
  t.is(later.lastChangePercent, 0);
});

test.serial('seccam, stand-in chute: the history is bounded (maxEvents), oldest deleted first', async (t) => {
  const before = await events();
  t.true(before.length > 3);
  await settings({ maxEvents: 3 });
  const now = await events();
  t.deepEqual(now.map((e) => e.name), before.slice(0, 3).map((e) => e.name), 'the newest 3 are kept');
  t.is((await readdir(motionDir())).length, 3);
  await setCamera(true);
  const newer = await waitFor('newer frames', 20_000, async () => {
    const e = await events();
    return e[0]!.name !== now[0]!.name && e.every((x) => !now.some((y) => y.name === x.name)) ? e : undefined;
  });
  await setCamera(false);
  await morePolls(3);
  t.is(newer.length, 3);
  t.true((await readdir(motionDir())).length <= 3);
  await settings({ maxEvents: 500 });
});

test.serial('seccam, stand-in chute: the gallery page lists the stored frames newest first', async (t) => {
  const page = await home.http(chute.role, 'GET', `http://${chute.wifi.chuteAddress}/`);
  t.is(page.status, 200);
  t.regex(page.type ?? '', /text\/html/);
  t.regex(page.text, /<title>SecCam<\/title>/);
  const imgs = [...page.text.matchAll(/<img src="\/motion\/([^"]+)"/g)].map((m) => m[1]);
  t.deepEqual(imgs, (await events()).map((e) => e.name));
  t.regex(page.text, new RegExp(`Camera: http://${cameraIp.replace(/\./g, '\\.')}/image/jpeg\\.cgi`));
  t.regex(page.text, /<form method="post" action="\/settings"/);
  const css = await home.http(chute.role, 'GET', `http://${chute.wifi.chuteAddress}/style.css`);
  t.is(css.status, 200, 'static files from www.tar.gz');
  t.is((await home.http(chute.role, 'GET', `http://${chute.wifi.chuteAddress}/motion/..%2fsettings.json`)).status, 404);
});

test.serial('seccam, stand-in chute: POST /api/settings changes the threshold (and rejects bad values, naming them)', async (t) => {
  const saved = await settings({ thresholdPercent: 50 });
  t.is(saved.thresholdPercent, 50);
  t.is(JSON.parse(await readFile(join(dir, 'srv/seccam/settings.json'), 'utf8')).thresholdPercent, 50, 'kept on the chute\'s disk');
  const before = (await status()).stored.events;
  await setCamera(true);
  const s = await morePolls(8);
  // The moving square changes 0.8-1.7% of the picture (less while it enters or leaves the frame).
  t.true(s.lastChangePercent! > 0 && s.lastChangePercent! < 50, `the square changes ${s.lastChangePercent}% of the picture`);
  t.is(s.stored.events, before, 'below a 50% threshold: nothing stored');
  await settings({ thresholdPercent: 1 });
  await waitFor('a stored frame at 1%', 20_000, async () => ((await status()).stored.events > before ? true : undefined));
  await setCamera(false);
  await morePolls(3);

  const bad = await home.http(chute.role, 'POST', `http://${chute.wifi.chuteAddress}/api/settings`, '{"pixelDelta": 300, "bogus": 1, "windowStart": "25:00"}');
  t.is(bad.status, 400);
  const body = JSON.parse(bad.text) as { errors: Array<{ field: string }>; error: string };
  t.deepEqual(body.errors.map((e) => e.field).sort(), ['bogus', 'pixelDelta', 'windowStart']);
  t.regex(body.error, /pixelDelta: 300 is not an integer from 1 to 255/);
  t.is((await api<{ pixelDelta: number }>('GET', '/api/settings')).pixelDelta, 24, 'nothing applied');
  // The page's form (urlencoded) works too, and answers with a redirect to the gallery.
  const form = await home.http(chute.role, 'POST', `http://${chute.wifi.chuteAddress}/settings`, 'thresholdPercent=2&pixelDelta=30&windowStart=00%3A00&windowEnd=00%3A00&camera=');
  t.is(form.status, 303);
  t.is(form.location, '/');
  t.like(await api('GET', '/api/settings'), { thresholdPercent: 2, pixelDelta: 30 });
});

test.serial('seccam, stand-in chute: only detects inside the time-of-day window (injected clock at 03:00 UTC)', async (t) => {
  await settings({ windowStart: '08:00', windowEnd: '18:00', thresholdPercent: 1 });
  await setCamera(true);
  const outside = await morePolls(6, 'loops');
  t.false(outside.detecting);
  const count = outside.stored.events;
  const still = await morePolls(6, 'loops');
  t.is(still.stored.events, count, 'no frame stored outside the window');
  await settings({ windowStart: '22:00', windowEnd: '04:00' });
  const inside = await waitFor('a frame stored inside a window across midnight', 20_000, async () => {
    const s = await status();
    return s.detecting && s.stored.events > count ? s : undefined;
  });
  t.true(inside.detecting);
  await setCamera(false);
  await settings({ windowStart: '00:00', windowEnd: '00:00' });
  await morePolls(3);
});

test.serial('seccam, stand-in chute: SIGURG re-reads paradrop\'s resource request', async (t) => {
  const request = { version: 1, cpuShares: 512, memoryBytes: 48 * 1048576, net: { wifi: { downKbps: 20000, upKbps: 8000 } },
    requestedAt: '2017-06-01T03:00:00.000Z', deadline: '2017-06-01T03:00:10.000Z' };
  await writeFile(join(dir, 'resources.json'), JSON.stringify(request));
  process.kill(seccam.pid, 'SIGURG');
  await seccam.waitOutput(/resource request: cpu 512 shares, memory 48 MiB, wifi down 20000 up 8000 kbit\/s/);
  t.is((await status()).resources?.memoryBytes, 48 * 1048576);
  t.true(seccam.running, 'SIGURG does not end it');
});

test.serial('seccam, stand-in chute: stays small (RSS), exits on SIGTERM, keeps its pictures across a restart', async (t) => {
  await setCamera(true);
  await morePolls(10);
  await setCamera(false);
  const proc = await readFile(`/proc/${seccam.pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(proc)?.[1]);
  t.log(`seccam.js after motion at 5 polls/s: VmRSS ${(kib('VmRSS') / 1024).toFixed(1)} MiB, RssAnon ${(kib('RssAnon') / 1024).toFixed(1)} MiB, RssFile ${(kib('RssFile') / 1024).toFixed(1)} MiB, VmHWM ${(kib('VmHWM') / 1024).toFixed(1)} MiB`);
  // The chute's default limit is 64 MiB; anonymous memory is what a memory cgroup always charges.
  t.true(kib('RssAnon') < 40 * 1024, 'anonymous memory under 40 MiB');
  t.true(kib('VmHWM') < 64 * 1024, 'peak RSS under the 64 MiB default limit');

  const names = (await events()).map((e) => e.name);
  t.is(await seccam.stop(), 0, 'SIGTERM: exit 0');
  seccam = startSeccam();
  await seccam.waitOutput(/listening on port 80/);
  t.deepEqual((await events()).map((e) => e.name), names);
  t.like(await api('GET', '/api/settings'), { thresholdPercent: 1, pollsPerSecond: 5 }, 'settings kept too');
});
