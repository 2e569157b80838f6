// Two more walk-through facts in their own simulated home:
// - the chapter's own SecCam (test/fixtures/chapter/seccam-2014) names uhttpd, which a Debian
//   gateway lacks: install fails with a message naming the program and leaves the gateway as it
//   was (state, links, firewall). Its files come from a private store the test writes (the
//   chapter's hashes are of files nobody has), with Chute.files' hashes set to match, so that the
//   install gets as far as the program check;
// - traffic shaping measured with real transfers: EnvSense's wan set to 8000 kbit/s down and
//   4000 kbit/s up (set-resources), a few MB each way between the chute and the home's Internet
//   host; the payload rate must be within ±15% of the configured rate (TCP/IP and Ethernet headers
//   take about 4.5% of the shaped rate).
import test from 'ava';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2eHome, run, STORE, waitFor } from './helpers.js';
import { ROOT } from '../sim/helpers.js';

const home = new E2eHome();
let tmp = '';

test.before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'pd-e2e-shape-'));
  await home.up(['--no-devices']);
});

test.after.always(async () => {
  await home.teardown();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** What the gateway holds: links, nftables tables (with rules), paradrop's state. */
async function gatewayFacts(): Promise<string> {
  const links = String((await home.simExec('gateway', ['ip', '-o', 'link', 'show'])).stdout).split('\n').map((l) => l.split(':')[1]?.trim()).join(' ');
  const nft = String((await home.simExec('gateway', ['nft', 'list', 'ruleset'])).stdout);
  const state = await readFile(join(home.stateDir, 'state.json'), 'utf8').catch(() => 'none');
  const lxc = String((await run('ls', ['-A', join(home.stateDir, 'lxc')], { reject: false })).stdout);
  return `${links}\n${nft}\n${state}\nlxc: ${lxc}`;
}

test.serial('the chapter\'s SecCam names uhttpd: install fails naming it, and nothing changes', async (t) => {
  const sha1 = (b: Buffer | string) => createHash('sha1').update(b).digest('hex');
  const store = join(tmp, 'store');
  await mkdir(join(store, 'seccam', 'srv'), { recursive: true });
  await writeFile(join(store, 'seccam', 'srv', 'index.html'), '<h1>SecCam</h1>\n');
  await run('tar', ['-czf', join(store, 'seccam', 'srv.tar.gz'), '-C', join(store, 'seccam', 'srv'), '.']);
  await writeFile(join(store, 'seccam', 'seccam.py'), 'print("seccam")\n');
  const chute = join(tmp, 'seccam-2014');
  await cp(join(ROOT, 'test/fixtures/chapter/seccam-2014'), chute, { recursive: true });
  const files = (await readFile(join(chute, 'Chute.files'), 'utf8'))
    .replace('526bb8cb52458aad4043c56980cd238551b46b7e', sha1(await readFile(join(store, 'seccam', 'srv.tar.gz'))))
    .replace('1633ea1d6351929cc2c8717d1611dcb41681b585', sha1(await readFile(join(store, 'seccam', 'seccam.py'))));
  await writeFile(join(chute, 'Chute.files'), files);
  t.regex(await readFile(join(chute, 'Chute.runtime'), 'utf8'), /"program": "uhttpd"/, 'the fixture is the chapter\'s');

  const before = await gatewayFacts();
  const r = await home.pd(['install', chute, '--store', store]);
  t.not(r.exitCode, 0);
  t.regex(String(r.stderr), /uhttpd/, 'the message names the missing program');
  t.notRegex(String(r.stderr), /fetch-files.*failed/, 'it got past fetching the files');
  t.is(await gatewayFacts(), before, 'the gateway is as it was');
  t.deepEqual(await home.installed(), []);
});

// In the internet namespace: GET /bytes?n=N sends N bytes; POST /sink reads the body and answers
// with the seconds from its first to its last byte.
const SERVER = `require('node:http').createServer((req, res) => {
  if (req.method === 'GET') {
    let left = Number(new URL(req.url, 'http://x').searchParams.get('n'));
    const chunk = Buffer.alloc(65536, 120);
    res.writeHead(200, { 'content-length': left });
    const more = () => { while (left > 0) { const c = chunk.subarray(0, Math.min(left, chunk.length)); left -= c.length; if (!res.write(c)) return res.once('drain', more); } res.end(); };
    return more();
  }
  let n = 0, first = 0;
  req.on('data', (c) => { if (!first) first = process.hrtime.bigint(); n += c.length; });
  req.on('end', () => res.end(JSON.stringify({ bytes: n, seconds: Number(process.hrtime.bigint() - first) / 1e9 })));
}).listen(8080, () => console.log('listening'));`;

// In the chute: down N → seconds from the first to the last byte received; up N → the server's.
const CLIENT = `const http = require('node:http');
const [mode, n] = [process.argv[1], Number(process.argv[2])];
if (mode === 'down') {
  http.get('http://203.0.113.1:8080/bytes?n=' + n, (res) => {
    let got = 0, first = 0n;
    res.on('data', (c) => { if (!first) first = process.hrtime.bigint(); got += c.length; });
    res.on('end', () => console.log(JSON.stringify({ bytes: got, seconds: Number(process.hrtime.bigint() - first) / 1e9 })));
  });
} else {
  const req = http.request('http://203.0.113.1:8080/sink', { method: 'POST', headers: { 'content-length': n } }, (res) => {
    let s = ''; res.on('data', (c) => { s += c; }); res.on('end', () => console.log(s));
  });
  const chunk = Buffer.alloc(65536, 121);
  let left = n;
  const more = () => { while (left > 0) { const c = chunk.subarray(0, Math.min(left, chunk.length)); left -= c.length; if (!req.write(c)) return req.once('drain', more); } req.end(); };
  more();
}`;

test.serial('shaping: a chute\'s wan runs at the configured rate, both directions (±15%)', async (t) => {
  const r = await home.pd(['install', join(STORE, 'envsense')]);
  t.is(r.exitCode, 0, String(r.stderr));
  const sr = await home.pd(['set-resources', 'envsense', '--net', 'wan:down=8000,up=4000']);
  t.is(sr.exitCode, 0, String(sr.stderr));
  const wan = (await home.status('envsense')).interfaces.find((i) => i.name === 'wan')!;
  t.like(wan, { downKbps: 8000, upKbps: 4000 });
  const server = home.spawn('internet', process.execPath, ['-e', SERVER]);
  await server.waitOutput(/listening/);
  await waitFor('the chute to reach the server', 20_000, async () => (await home.probe('chute:envsense', '203.0.113.1', 8080)).result === 'open');

  const measure = async (mode: 'down' | 'up', bytes: number) => {
    const out = await home.inChute('envsense', ['node', '-e', CLIENT, mode, String(bytes)], false, 60_000);
    const m = JSON.parse(String(out.stdout).trim()) as { bytes: number; seconds: number };
    t.is(m.bytes, bytes, `${mode}: every byte arrived`);
    return (m.bytes * 8) / m.seconds / 1000; // kbit/s of payload
  };
  for (const [mode, kbps, bytes] of [['down', 8000, 4_000_000], ['up', 4000, 2_000_000]] as const) {
    const rate = await measure(mode, bytes);
    t.log(`${mode}: configured ${kbps} kbit/s, measured ${rate.toFixed(0)} kbit/s of payload (${((rate / kbps - 1) * 100).toFixed(1)}%)`);
    t.true(Math.abs(rate / kbps - 1) <= 0.15, `${mode}: ${rate.toFixed(0)} kbit/s is not within 15% of ${kbps}`);
  }
  // And a change at run time takes effect: half the download rate.
  t.is((await home.pd(['set-resources', 'envsense', '--net', 'wan:down=4000'])).exitCode, 0);
  const half = await measure('down', 2_000_000);
  t.log(`down after set-resources 4000: measured ${half.toFixed(0)} kbit/s`);
  t.true(Math.abs(half / 4000 - 1) <= 0.15, `down: ${half.toFixed(0)} kbit/s is not within 15% of 4000`);
  await server.stop();
});
