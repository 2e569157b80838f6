// The chapter's walk-through for real: SecCam and EnvSense installed with `paradrop install` on the
// simulated home's gateway (LXC, the Linux applier's bridges, nftables table and shaping), the
// camera and the sensor plugged into the chutes' Wi-Fi bridges. Asserted with real traffic: the
// camera's DHCP lease from the chute's dnsmasq, the reachability matrix (the laptop reaches SecCam's
// web server and its SSH port only through the traffic rules; the camera subnet reaches nothing but
// the chute; a chute's wan reaches the Internet; chutes do not reach each other), motion frames
// stored only while the scene moves, EnvSense's readings surviving a restart and an update, and
// `paradrop remove seccam` taking all of SecCam's network away while EnvSense keeps working.
//
// SSH: the chute runs no sshd, so the test starts a tiny listener on port 22 inside the chute
// (node, with a banner) and reads its banner from the laptop through the gateway's port 5001: this
// proves the redirect reaches the chute, where an RST alone could also come from the gateway.
import test from 'ava';
import { cp, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2eHome, run, sleep, STORE, waitFor, type ChuteStatus } from './helpers.js';

const home = new E2eHome();
let seccam: ChuteStatus;
let envsense: ChuteStatus;
let cameraIp = '';
const LAN_GW = '192.168.1.1';
const cameraUrl = () => `http://${cameraIp}`;

interface SecStatus { camera: string | null; polls: number; stored: { events: number } }
const secStatus = async () => JSON.parse((await home.curl('laptop', `http://${LAN_GW}:5000/api/status`)).body) as SecStatus;
const setMotion = (motion: boolean) => home.curl('camera', 'http://127.0.0.1/control', ['-X', 'POST', '-H', 'content-type: application/json', '-d', JSON.stringify({ motion })]);

test.before(async () => {
  await home.up(['--camera-motion-every', '0', '--sensor-interval', '1']);
  for (const dir of ['seccam', 'envsense']) {
    const r = await home.pd(['install', join(STORE, dir)]);
    if (r.exitCode !== 0) throw new Error(`install ${dir}: ${String(r.stderr)}`);
  }
  seccam = await home.status('seccam');
  envsense = await home.status('envsense');
  await home.sim(['attach-camera', seccam.interfaces.find((i) => i.name === 'wifi')!.bridge]);
  await home.sim(['attach-sensor', envsense.interfaces.find((i) => i.name === 'wifi')!.bridge]);
  cameraIp = await waitFor('the camera\'s DHCP lease', 30_000, async () =>
    /^camera: lease (\S+)\/24 router 10\.100\.13\.1 on cam0$/m.exec(await readFile(join(home.runDir, 'camera.log'), 'utf8'))?.[1]);
});

test.after.always(async () => {
  await home.teardown();
});

test.serial('both chutes run; the camera leases an address in SecCam\'s DHCP range from the chute\'s dnsmasq', async (t) => {
  t.is(seccam.state, 'RUNNING');
  t.is(envsense.state, 'RUNNING');
  const dnsmasq = String((await home.inChute('seccam', ['sh', '-c', 'for p in /proc/[0-9]*; do tr "\\0" " " <$p/cmdline; echo; done'])).stdout);
  const range = /--dhcp-range=set:eth1,([\d.]+),([\d.]+),255\.255\.255\.0/.exec(dnsmasq);
  t.truthy(range, dnsmasq);
  const last = (ip: string) => Number(ip.split('.')[3]);
  t.regex(cameraIp, /^10\.100\.13\.\d+$/);
  t.true(last(cameraIp) >= last(range![1]!) && last(cameraIp) <= last(range![2]!), `${cameraIp} in ${range![1]}-${range![2]}`);
  const leases = String((await home.inChute('seccam', ['cat', '/tmp/dnsmasq-pd0.leases'])).stdout);
  t.regex(leases, new RegExp(`02:73:69:6d:00:01 ${cameraIp.replace(/\./g, '\\.')} `), 'the lease is in the chute\'s dnsmasq');
  const st = await waitFor('SecCam to find the camera', 20_000, async () => ((await secStatus()).camera?.includes(cameraIp) ? true : undefined));
  t.true(st);
});

test.serial('reachability: the laptop reaches SecCam through its rules only; the camera subnet reaches only the chute', async (t) => {
  // Listeners the matrix needs: a gateway service, a laptop service, SSH in the chute.
  const gwSvc = home.spawn('gateway', process.execPath, ['-e', 'require("net").createServer((s)=>s.end("gateway-service\\n")).listen(7777)']);
  const lanSvc = home.spawn('laptop', process.execPath, ['-e', 'require("net").createServer((s)=>s.end("laptop-service\\n")).listen(7778)']);
  const ssh = home.inChute('seccam', ['sh', '-c', 'echo $$ >/tmp/ssh-stand-in.pid; exec node -e \'require("net").createServer((s)=>s.end("SSH-2.0-stand-in\\r\\n")).listen(22)\''], false, 120_000);
  await waitFor('the listeners', 10_000, async () =>
    (await home.probe('gateway', '127.0.0.1', 7777)).result === 'open' && (await home.probe('laptop', '127.0.0.1', 7778)).result === 'open'
    && (await home.probe('chute:seccam', '127.0.0.1', 22)).result === 'open');
  const blocked = (r: { result: string }) => ['refused', 'unreachable', 'timeout'].includes(r.result);
  const viaChute = await home.probe('camera', '203.0.113.1', 80);
  t.true(blocked(viaChute), `camera -> internet by its DHCP router (the chute): ${JSON.stringify(viaChute)}`);
  // Then the camera gets routes through the gateway's own address on its subnet, so that the
  // gateway's firewall (not only the chute, its DHCP router) is what must stop it.
  for (const net of ['203.0.113.0/24', '192.168.1.0/24']) await home.ip('camera', 'route', 'add', net, 'via', seccam.interfaces[1]!.gateway);

  const web = await home.curl('laptop', `http://${LAN_GW}:5000/`);
  t.is(web.code, 200);
  t.regex(web.body, /<title>SecCam<\/title>/);
  const sshProbe = await home.probe('laptop', LAN_GW, 5001);
  t.is(sshProbe.result, 'open');
  t.regex(sshProbe.data, /^SSH-2\.0-stand-in/, 'the HostSSH rule reaches port 22 in the chute');
  t.is((await home.probe('laptop', LAN_GW, 7777)).result, 'open', 'control: the gateway service answers the LAN');
  t.is((await home.probe('gateway', '192.168.1.100', 7778)).result, 'open', 'control: the laptop service answers');

  const cases: Array<[string, string, string, number]> = [
    ['camera -> internet (via the gateway)', 'camera', '203.0.113.1', 80],
    ['camera -> laptop', 'camera', '192.168.1.100', 7778],
    ['camera -> gateway service on its subnet', 'camera', seccam.interfaces[1]!.gateway, 7777],
    ['camera -> gateway service on the LAN address', 'camera', LAN_GW, 7777],
    ['camera -> gateway SSH', 'camera', seccam.interfaces[1]!.gateway, 22],
    ['laptop -> SecCam web without the rule', 'laptop', '10.100.13.1', 80],
    ['laptop -> SecCam wan address', 'laptop', '10.100.12.1', 80],
    ['laptop -> SecCam SSH without the rule', 'laptop', '10.100.13.1', 22],
    ['laptop -> EnvSense web without the rule', 'laptop', '10.100.21.1', 80],
    ['laptop -> gateway port 5003 (no rule)', 'laptop', LAN_GW, 5003],
    ['internet -> SecCam web', 'internet', '10.100.13.1', 80],
    ['chute seccam -> envsense wifi', 'chute:seccam', '10.100.21.1', 80],
    ['chute seccam -> envsense wan', 'chute:seccam', '10.100.20.1', 80],
    ['chute envsense -> seccam wifi', 'chute:envsense', '10.100.13.1', 80],
    ['chute seccam -> laptop', 'chute:seccam', '192.168.1.100', 7778],
    ['chute seccam -> gateway service', 'chute:seccam', seccam.interfaces[0]!.gateway, 7777],
  ];
  for (const [what, from, host, port] of cases) {
    const r = await home.probe(from, host, port);
    t.true(blocked(r), `${what}: ${JSON.stringify(r)}`);
    t.log(`${what}: ${r.result}`);
  }
  // The camera itself still reaches its chute.
  t.is((await home.probe('camera', '10.100.13.1', 80)).result, 'open', 'camera -> SecCam');
  // A chute's wan reaches the Internet, masqueraded by the gateway.
  for (const chute of ['seccam', 'envsense']) {
    const r = await home.probe(`chute:${chute}`, '203.0.113.1', 80, 'GET /whoami HTTP/1.0\\n\\n');
    t.is(r.result, 'open', chute);
    t.regex(r.data, /203\.0\.113\.2/, `${chute} -> internet, seen as the gateway's wan address`);
  }
  await gwSvc.stop();
  await lanSvc.stop();
  await home.inChute('seccam', ['sh', '-c', 'kill $(cat /tmp/ssh-stand-in.pid)']);
  await ssh;
});

test.serial('SecCam stores motion frames when the scene moves and none while it is still', async (t) => {
  const polls0 = (await secStatus()).polls;
  await waitFor('SecCam to poll the still scene', 30_000, async () => ((await secStatus()).polls >= polls0 + 5 ? true : undefined));
  t.is((await secStatus()).stored.events, 0, 'a still scene stores nothing');
  t.is((await setMotion(true)).code, 200);
  const events = await waitFor('motion frames', 30_000, async () => { const n = (await secStatus()).stored.events; return n >= 2 ? n : undefined; });
  t.true(events >= 2);
  t.is((await setMotion(false)).code, 200);
  await sleep(2500); // the frame in flight when motion stopped
  const settled = (await secStatus()).stored.events;
  const p1 = (await secStatus()).polls;
  await waitFor('SecCam to poll the still scene again', 30_000, async () => ((await secStatus()).polls >= p1 + 5 ? true : undefined));
  t.is((await secStatus()).stored.events, settled, 'nothing more stored once still');
  const list = JSON.parse((await home.curl('laptop', `http://${LAN_GW}:5000/api/events`)).body) as Array<{ url: string }>;
  t.is(list.length, settled);
  const magic = await run('ip', ['netns', 'exec', home.ns('laptop'), 'sh', '-c', `curl -sS -m 5 http://${LAN_GW}:5000${list[0]!.url} | head -c 2 | od -An -tx1`], { reject: false });
  t.is(String(magic.stdout).replace(/\s/g, ''), 'ffd8', 'a stored frame is a JPEG');
  const onDisk = String((await home.inChute('seccam', ['sh', '-c', 'ls /srv/seccam/motion | grep -c "\\.jpg$"'])).stdout).trim();
  t.true(Number(onDisk) >= settled, `frames on the chute's disk: ${onDisk}`);
  t.regex((await home.curl('laptop', `http://${LAN_GW}:5000/`)).body, new RegExp(list[0]!.url.replace(/\./g, '\\.')), 'the gallery shows the newest frame');
});

test.serial('EnvSense stores readings across a restart and an update, and charts them', async (t) => {
  const count = async () => (JSON.parse((await home.curl('laptop', `http://${LAN_GW}:5002/api/readings?limit=100000`)).body) as unknown[]).length;
  const n0 = await waitFor('readings', 30_000, async () => { const n = await count(); return n >= 3 ? n : undefined; });
  const page = (await home.curl('laptop', `http://${LAN_GW}:5002/`)).body;
  t.regex(page, /<svg[\s>]/, 'an SVG chart');
  t.regex(page, /<table class="latest">[\s\S]*living-room/, 'the page shows the latest values of the sensor');

  t.is((await home.pd(['restart', 'envsense'])).exitCode, 0);
  const n1 = await waitFor('EnvSense after the restart', 30_000, async () => { const n = await count(); return n >= n0 ? n : undefined; });
  t.true(n1 >= n0, `${n1} >= ${n0} after restart`);

  const dir = await mkdtemp(join(tmpdir(), 'pd-e2e-env-'));
  try {
    await cp(join(STORE, 'envsense'), dir, { recursive: true });
    const meta = (await readFile(join(dir, 'chute.json'), 'utf8')).replace('"version": "0.1.0"', '"version": "0.1.1"');
    await writeFile(join(dir, 'chute.json'), meta);
    const up = await home.pd(['install', dir]);
    t.is(up.exitCode, 0, String(up.stderr));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  t.is(String((await home.pd(['list'], true)).stdout).match(/envsense\s+(\S+)/)?.[1], '0.1.1');
  const n2 = await waitFor('EnvSense after the update', 30_000, async () => { const n = await count(); return n > n1 ? n : undefined; });
  t.true(n2 > n1, 'old readings kept and new ones arriving after the update');
});

test.serial('paradrop remove seccam: its table entries, bridges, veths and dnsmasq go; EnvSense keeps working', async (t) => {
  const slot = (seccam.interfaces[0]!.bridge).slice(5, 8); // br-pdXXX0
  const gw = async (args: string[]) => String((await home.simExec('gateway', args)).stdout);
  // The dnsmasq processes in a chute's network namespace (by the container's init pid).
  const envInit = (await home.status('envsense')).initPid;
  const secInit = (await home.status('seccam')).initPid;
  const dnsmasqs = async (initPid: number) => {
    const net = await readlink(`/proc/${initPid}/ns/net`).catch(() => 'gone');
    const pids = String((await run('pgrep', ['-x', 'dnsmasq'], { reject: false })).stdout).split('\n').filter(Boolean);
    const mine = [];
    for (const p of pids) if (await readlink(`/proc/${p}/ns/net`).catch(() => '') === net) mine.push(p);
    return mine;
  };
  const secDns = await dnsmasqs(secInit);
  t.is(secDns.length, 1, 'SecCam runs one dnsmasq');
  t.is((await dnsmasqs(envInit)).length, 1, 'EnvSense runs one dnsmasq');
  t.regex(await gw(['nft', 'list', 'table', 'inet', 'paradrop']), new RegExp(`br-pd${slot}`));
  const r = await home.pd(['remove', 'seccam']);
  t.is(r.exitCode, 0, String(r.stderr));
  const table = await gw(['nft', 'list', 'table', 'inet', 'paradrop']);
  t.notRegex(table, new RegExp(`pd${slot}|pdz${slot}|seccam|10\\.100\\.1[23]\\.`), 'no rule of seccam left');
  t.regex(table, /10\.100\.21\.1|br-pd/, 'EnvSense\'s rules stay');
  const links = await gw(['ip', '-o', 'link', 'show']);
  t.notRegex(links, new RegExp(`(br-pd|vpd|ipd)${slot}`), 'no bridge, veth or ifb of seccam');
  for (const p of secDns) t.false(await readFile(`/proc/${p}/cmdline`, 'utf8').then((c) => c.startsWith('dnsmasq'), () => false), `SecCam's dnsmasq (pid ${p}) is gone`);
  t.is((await dnsmasqs(envInit)).length, 1, 'EnvSense\'s dnsmasq stays');
  t.false((await home.simExec('gateway', ['lxc-info', '-P', join(home.stateDir, 'lxc'), '-n', 'pd-seccam'])).exitCode === 0, 'no SecCam container');
  t.deepEqual(await home.installed(), ['envsense']);
  t.not((await home.probe('laptop', LAN_GW, 5000)).result, 'open', 'the web rule is gone');
  const before = (JSON.parse((await home.curl('laptop', `http://${LAN_GW}:5002/api/readings?limit=100000`)).body) as unknown[]).length;
  const after = await waitFor('EnvSense readings after the removal', 20_000, async () => {
    const n = (JSON.parse((await home.curl('laptop', `http://${LAN_GW}:5002/api/readings?limit=100000`)).body) as unknown[]).length;
    return n > before ? n : undefined;
  });
  t.true(after > before, 'EnvSense still receives and serves readings');
});
