// The simulated camera (files/usr/share/paradrop/sim/camera.js) as sim-home runs it, on a STAND-IN
// SecCam chute (stand-in.ts: the compiler's bridge, address and dnsmasq argv, made by hand; test/e2e
// runs the real `paradrop install`): it takes a lease in the chute's range by DHCP (busybox
// udhcpc), serves a valid 320x240 baseline JPEG (checked with an independent decoder and against
// the scene it drew), and its frames change while motion is on and are identical while it is off.
import test from 'ava';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeReference, psnr } from './jpeg-reference.js';
import { SIM_DIR, SimHome, STORE, waitFor } from './helpers.js';
import { parseLeases, standInChute, type StandIn } from './stand-in.js';

const require = createRequire(import.meta.url);
const camera = require(join(SIM_DIR, 'camera.js')) as {
  renderBackground(): Uint8Array;
  renderScene(bg: Uint8Array, x: number | null): Uint8Array;
  OBJECT: { size: number; top: number };
};
const seccam = require(join(STORE, 'seccam/seccam.js')) as { decodeJpegLuma(b: Buffer): { width: number; height: number; gray: Uint8Array } };

const home = new SimHome();
let chute: StandIn;
let cameraIp = '';

test.before(async () => {
  await home.up(['--camera-motion-every', '0', '--no-home-nat']);
  chute = await standInChute(home, 'seccam');
  await home.sim(['attach-camera', chute.wifi.bridge]);
});

test.after.always(() => home.teardown());

const snapshot = async (path = '/image/jpeg.cgi') => {
  const r = await home.http(chute.role, 'GET', `http://${cameraIp}${path}`);
  if (r.status !== 200) throw new Error(`snapshot: HTTP ${r.status}`);
  return r;
};

test.serial('camera, stand-in chute: gets a lease in the chute\'s DHCP range from the compiled dnsmasq', async (t) => {
  t.true(chute.dnsmasqArgv.includes(`--interface=${chute.wifi.intfName}`));
  t.is(chute.wifi.chuteAddress, '10.100.13.1');
  const lease = await waitFor('the camera\'s lease', 30_000, () => {
    try {
      return parseLeases(readFileSync(chute.leaseFile, 'utf8')).find((l) => l.hostname === 'DCS-931L');
    } catch {
      return undefined;
    }
  });
  t.is(lease.mac, '02:73:69:6d:00:01');
  const last = Number(lease.ip.split('.')[3]);
  t.regex(lease.ip, /^10\.100\.13\.\d+$/);
  t.true(last >= 3 && last <= 254, `${lease.ip} is in the compiled range .3-.254`);
  cameraIp = lease.ip;
  // The address is on cam0 and the chute is the camera's router.
  await waitFor('cam0 to carry the lease', 10_000, async () =>
    String((await home.ip('camera', '-4', '-o', 'addr', 'show', 'dev', 'cam0')).stdout).includes(`${lease.ip}/24`));
  t.regex(String((await home.ip('camera', 'route')).stdout), /^default via 10\.100\.13\.1 dev cam0/m);
  // camera.js reads the lease file udhcpc's script writes after configuring cam0: a moment later.
  const status = await waitFor('the camera to report its lease', 10_000, async () => {
    const s = await home.json<{ address: string | null; model: string; router: string }>(chute.role, 'GET', `http://${cameraIp}/status`);
    return s.address !== null ? s : undefined;
  });
  t.deepEqual([status.address, status.model, status.router], [lease.ip, 'DCS-931L', '10.100.13.1']);
});

test.serial('camera, stand-in chute: serves a baseline 320x240 JPEG that an independent decoder reads as the scene', async (t) => {
  t.truthy(cameraIp, 'needs the lease of the previous test');
  const r = await snapshot();
  t.is(r.type, 'image/jpeg');
  t.deepEqual([...r.body.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  t.deepEqual([...r.body.subarray(-2)], [0xff, 0xd9]);
  const img = decodeReference(r.body);
  t.deepEqual([img.width, img.height, img.components, img.trailingBytes], [320, 240, 3, 0]);
  const expected = camera.renderScene(camera.renderBackground(), null);
  const quality = psnr(img.rgb, expected);
  t.true(quality > 30, `PSNR ${quality.toFixed(1)} dB against the drawn scene`);
  // SecCam's own decoder agrees with the reference on luma.
  const mine = seccam.decodeJpegLuma(r.body);
  t.deepEqual([mine.width, mine.height], [320, 240]);
  let maxDiff = 0;
  for (let i = 0; i < mine.gray.length; i++) maxDiff = Math.max(maxDiff, Math.abs(mine.gray[i]! - img.luma[i]!));
  t.true(maxDiff <= 1, `seccam's decoder differs by at most 1 level (got ${maxDiff})`);
  t.is((await snapshot('/image.jpg')).body.length, r.body.length, '/image.jpg is the same picture');
});

test.serial('camera, stand-in chute: motion on makes consecutive frames differ, motion off makes them identical', async (t) => {
  t.truthy(cameraIp, 'needs the lease of the first test');
  const base = `http://${cameraIp}`;
  const still1 = (await snapshot()).body;
  const still2 = (await snapshot()).body;
  t.true(still1.equals(still2), 'a still scene gives byte-identical frames');

  t.is((await home.http(chute.role, 'POST', `${base}/control`, '{"motion": true}')).status, 200);
  const moving = [(await snapshot()).body, (await snapshot()).body, (await snapshot()).body];
  t.false(moving[0]!.equals(moving[1]!));
  t.false(moving[1]!.equals(moving[2]!));
  t.false(moving[0]!.equals(still1));
  // The bright square is where the camera says it is, in the decoded picture.
  const status = await home.json<{ motion: boolean; objectX: number }>(chute.role, 'GET', `${base}/status`);
  t.true(status.motion);
  const last = decodeReference(moving[2]!);
  const { size, top } = camera.OBJECT;
  const cx = Math.min(319, Math.max(0, status.objectX + size / 2));
  t.true(last.luma[(top + size / 2) * 320 + cx]! > 200, 'the square is bright in the frame');

  t.is((await home.http(chute.role, 'POST', `${base}/control`, '{"motion": false}')).status, 200);
  const after = [(await snapshot()).body, (await snapshot()).body];
  t.true(after[0]!.equals(after[1]!));
  t.true(after[0]!.equals(still1), 'the still scene is back');

  // A burst of N frames, then still again by itself.
  await home.http(chute.role, 'POST', `${base}/control`, '{"motion": true, "frames": 2}');
  const burst = [(await snapshot()).body, (await snapshot()).body, (await snapshot()).body, (await snapshot()).body];
  t.false(burst[0]!.equals(burst[1]!));
  t.true(burst[2]!.equals(still1) && burst[3]!.equals(still1));
});

test.serial('camera, stand-in chute: /control rejects what it does not understand', async (t) => {
  t.truthy(cameraIp, 'needs the lease of the first test');
  const bad = await home.http(chute.role, 'POST', `http://${cameraIp}/control`, '{"motion": "yes"}');
  t.is(bad.status, 400);
  t.regex(bad.text, /motion must be true or false/);
  const noSchedule = await home.http(chute.role, 'POST', `http://${cameraIp}/control`, '{"schedule": true}');
  t.is(noSchedule.status, 400);
});
