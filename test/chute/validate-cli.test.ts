// `paradrop validate`, run in-process: exit codes, the ok line with notes, every problem on its own
// line prefixed with the input, and the --json document.
import test from 'ava';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bufferIo as rawBufferIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { validateCommand } from '../../src/cli/validate.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHAPTER = 'test/fixtures/chapter';
const EXAMPLES = 'files/usr/share/paradrop/examples';
// Without --profile, validate compiles against the profile install would use on this machine
// (its cgroup version, RAM, radios): pin a profile so the expected output is the same anywhere.
const PROFILE = join(ROOT, 'test/golden/profiles/v2.json');
function bufferIo(stdin: string, cwd: string): ReturnType<typeof rawBufferIo> {
  const io = rawBufferIo(stdin, cwd);
  io.env.PARADROP_PROFILE = PROFILE;
  return io;
}

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo('', ROOT);
  const code = await runCli(['validate', ...args], io);
  return { code, out: io.out, err: io.err };
}

test('validate: valid chutes print NAME VERSION: ok and exit 0', async (t) => {
  const r = await run(`${EXAMPLES}/seccam`, `${EXAMPLES}/envsense`);
  t.deepEqual(r, { code: 0, out: 'seccam 0.1.0: ok\nenvsense 0.1.0: ok\n', err: '' });
});

test('validate: notes follow the ok line', async (t) => {
  const r = await run(`${CHAPTER}/seccam`);
  t.is(r.code, 0);
  t.is(r.out, 'seccam 0.0.0: ok\n  note: no name in chute.json: the chute is named after its directory, "seccam"\n  note: no version given: using "0.0.0"\n');
});

test('validate: every problem on its own line, prefixed with the input; exit 1', async (t) => {
  const r = await run(`${CHAPTER}/seccam-misprints`);
  t.is(r.code, 1);
  t.is(r.out, '');
  t.is(r.err, [
    `${CHAPTER}/seccam-misprints: files[0]: unknown field "shal" (did you mean "sha1"?)`,
    `${CHAPTER}/seccam-misprints: files[1]: unknown field "shal" (did you mean "sha1"?)`,
    `${CHAPTER}/seccam-misprints: files[1].shal: "1633eald6351929cc2c8717d1611dcb41681b585" is not a SHA-1 hash: "l" at character 7 is not a hex digit (expected 40 hex digits)`,
    '',
  ].join('\n'));
});

test('validate: a mix of good, bad and missing inputs', async (t) => {
  const r = await run(`${CHAPTER}/seccam-2014.json`, 'no/such/chute', `${CHAPTER}/seccam-misprints`);
  t.is(r.code, 1);
  t.is(r.out, 'seccam 2014: ok\n');
  t.is(r.err.split('\n')[0], 'no/such/chute: no such chute directory or file');
  t.is(r.err.split('\n').length, 5);
});

test('validate: a syntax error names the file, line and column', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pd-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'cam'));
  await writeFile(join(dir, 'cam', 'Chute.struct'), '{net: {},,}');
  const io = bufferIo('', dir);
  t.is(await validateCommand(['cam'], io), 1);
  t.is(io.err, "cam/Chute.struct:1:10: invalid character ','\n");
});

test('validate: every broken part and every duplicate key is reported, each with its file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pd-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'cam'));
  await writeFile(join(dir, 'cam', 'Chute.struct'), '{net: {},,}');
  await writeFile(join(dir, 'cam', 'Chute.files'), '[{name: "a",');
  await writeFile(join(dir, 'cam', 'Chute.resource'), '{cpu: 1, cpu: 2, memory: "8M", memory: "9M"}');
  await writeFile(join(dir, 'cam', 'Chute.traffic'), '[{name: "x", rule: 7}]');
  const io = bufferIo('', dir);
  t.is(await validateCommand(['cam/'], io), 1);
  t.is(io.err, [
    "cam/Chute.struct:1:10: invalid character ','",
    "cam/Chute.files:1:13: invalid end of input (the \"{\" at line 1, column 2 is never closed)",
    'cam/Chute.resource:1:10: duplicate key "cpu" (first at line 1, column 2); JSON would silently keep only the last one',
    'cam/Chute.resource:1:32: duplicate key "memory" (first at line 1, column 18); JSON would silently keep only the last one',
    '',
  ].join('\n'));
});

test('validate: a broken part is skipped, the others are still validated', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pd-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'cam'));
  await writeFile(join(dir, 'cam', 'Chute.struct'), '{net: {wan: {type: "wan", intfName: "eth0"}}}');
  await writeFile(join(dir, 'cam', 'Chute.files'), '[{name: "a",');
  await writeFile(join(dir, 'cam', 'Chute.resource'), '{cpu: 1}');
  const io = bufferIo('', dir);
  t.is(await validateCommand(['cam'], io), 1);
  t.is(io.err.split('\n')[1], 'cam: resource.cpu: must be a whole number of CPU shares from 2 to 262144 (got 1)');
  t.is(io.err.split('\n').length, 3);
});

test('validate: --json prints one machine-readable document', async (t) => {
  const r = await run('--json', `${EXAMPLES}/seccam`, `${CHAPTER}/seccam-misprints`);
  t.is(r.code, 1);
  t.is(r.err, '');
  const doc = JSON.parse(r.out);
  t.false(doc.ok);
  t.is(doc.results.length, 2);
  t.like(doc.results[0], { input: `${EXAMPLES}/seccam`, ok: true, name: 'seccam', version: '0.1.0', notes: [] });
  t.is(doc.results[0].chute.traffic[0].to.port, 80);
  t.like(doc.results[1], { input: `${CHAPTER}/seccam-misprints`, ok: false, code: 'VALIDATION_FAILED' });
  t.deepEqual(doc.results[1].problems.map((p: { code: string; path: string }) => [p.code, p.path]),
    [['FIELD_UNKNOWN', 'files[0].shal'], ['FIELD_UNKNOWN', 'files[1].shal'], ['FIELD_INVALID', 'files[1].shal']]);
});

test('validate: --json for a valid chute exits 0', async (t) => {
  const r = await run(`${EXAMPLES}/envsense`, '--json');
  t.is(r.code, 0);
  t.true(JSON.parse(r.out).ok);
});

test('validate: usage errors exit 1', async (t) => {
  const none = await run();
  t.is(none.code, 1);
  t.is(none.err, 'paradrop validate: no chute given; usage: paradrop validate DIR|FILE... [--profile FILE] [--json]\n');
  const bad = await run('--jsn', `${EXAMPLES}/seccam`);
  t.is(bad.code, 1);
  t.is(bad.err, 'paradrop validate: unknown option "--jsn"; usage: paradrop validate DIR|FILE... [--profile FILE] [--json]\n');
  const help = await run('--help');
  t.deepEqual(help, { code: 0, out: 'usage: paradrop validate DIR|FILE... [--profile FILE] [--json]\n', err: '' });
  const twice = await run('--profile', 'test/golden/profiles/v1.json', `${EXAMPLES}/seccam`, '--profile=test/golden/profiles/v2.json');
  t.is(twice.code, 1);
  t.is(twice.err, 'paradrop validate: --profile is given twice ("test/golden/profiles/v1.json" and "test/golden/profiles/v2.json"); give one gateway profile; usage: paradrop validate DIR|FILE... [--profile FILE] [--json]\n');
});

test('validate: "--" ends the options', async (t) => {
  const r = await run('--', '--json');
  t.is(r.code, 1);
  t.is(r.err, '--json: no such chute directory or file\n');
});

test('validate: only regular files are read: a directory, a FIFO, a device', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pd-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'cam'));
  await mkdir(join(dir, 'cam', 'Chute.struct'));
  const io = bufferIo('', dir);
  t.is(await validateCommand(['./cam'], io), 1);
  t.is(io.err, './cam/Chute.struct: is a directory, not a regular file (expected a JSON file)\n');
  // A FIFO nobody writes to: opening it for reading would block forever.
  execFileSync('mkfifo', [join(dir, 'fifo.json')]);
  const fifo = bufferIo('', dir);
  t.is(await validateCommand(['fifo.json'], fifo), 1);
  t.is(fifo.err, 'fifo.json: is a FIFO, not a regular file (expected a JSON file)\n');
  // /dev/zero never ends: it used to be read into memory.
  const zero = bufferIo('', dir);
  t.is(await validateCommand(['/dev/zero'], zero), 1);
  t.is(zero.err, '/dev/zero: is a character device, not a regular file (expected a JSON file)\n');
});

test('validate: compiles the chute against the gateway profile too: validate ok means render ok', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pd-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'pub'));
  await writeFile(join(dir, 'pub', 'Chute.struct'), '{net: {wan: {type: "wan", intfName: "eth0", ipaddr: "8.8.8.8", netmask: "255.255.255.0"}}}');
  await writeFile(join(dir, 'pub', 'Chute.files'), '[{name: "a", path: "/usr/bin/a", location: "/x", sha1: "' + 'a'.repeat(40) + '"}]');
  const io = bufferIo('', dir);
  t.is(await validateCommand(['pub'], io), 1);
  t.is(io.err, [
    "pub: chute 'pub' interface 'wan': ipaddr '8.8.8.8' puts it in 8.8.8.0/24, which is not inside the gateway's chute subnets (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
    "pub: chute 'pub': file 'a' goes to '/usr/bin/a', inside the gateway's read-only /usr (/etc, /root, /srv, /tmp, /var)",
    '',
  ].join('\n'));
  const render = bufferIo('', dir);
  t.is(await runCli(['render', 'pub'], render), 1);
  // a profile that allows that range: ok (the file is still refused)
  await writeFile(join(dir, 'public.json'), '{chuteSubnets: ["8.0.0.0/8", "10.0.0.0/8"]}');
  const io2 = bufferIo('', dir);
  t.is(await validateCommand(['--profile', 'public.json', 'pub'], io2), 1);
  t.is(io2.err.split('\n').length, 2);
});

test('validate: compile notes follow the ok line (an open SSID)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pd-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'open'));
  await writeFile(join(dir, 'open', 'chute.json'), '{name: "open", version: "1"}');
  await writeFile(join(dir, 'open', 'Chute.struct'), '{net: {wifi: {type: "wifi", intfName: "eth1", ssid: "Free", encryption: "none"}}}');
  await writeFile(join(dir, 'open', 'Chute.runtime'), '[{name: "d", program: "@net.runtime.dhcpserver"}]');
  const io = bufferIo('', dir);
  t.is(await validateCommand(['open'], io), 0);
  t.is(io.out, "open 1: ok\n  note: chute 'open' interface 'wifi': SSID 'Free' is open (encryption none): anyone in range can join it and reach the chute\n");
});
