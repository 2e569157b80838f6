// Reading chutes from disk: directory layout, chute.json, conflicts, limits, hostile files.
import test from 'ava';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_PART_BYTES, loadChute, readRegularFile } from '../../src/chute/load.js';
import { ParadropError, ValidationError } from '../../src/errors.js';

const STRUCT = '{net: {wifi: {type: "wifi", intfName: "eth1", ssid: "Cam", encryption: "none"}}}';
const FILE = `{name: "app", path: "/root/app.js", location: "app.js", sha1: "${'a'.repeat(40)}"}`;

async function chuteDir(t: { teardown: (f: () => Promise<void>) => void }, files: Record<string, string>, name = 'cam'): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'pd-load-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, name);
  await mkdir(dir);
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  return dir;
}

async function messages(dir: string): Promise<string[]> {
  try {
    await loadChute(dir, { label: 'cam' });
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return err.problems.map((p) => p.message);
    if (err instanceof ParadropError) return [`${err.code}: ${err.message}`];
    throw err;
  }
}

test('load: a directory with only Chute.struct; name from the directory', async (t) => {
  const dir = await chuteDir(t, { 'Chute.struct': STRUCT });
  const { chute, source } = await loadChute(dir);
  t.is(chute.name, 'cam');
  t.deepEqual([chute.files, chute.runtime, chute.traffic], [[], [], []]);
  t.deepEqual(chute.resource, { cpu: { kind: 'default' }, memory: { kind: 'default' }, net: {} });
  t.deepEqual(source.notes, ['no name in chute.json: the chute is named after its directory, "cam"', 'no version given: using "0.0.0"']);
});

test('load: chute.json gives the metadata; lower-case part files; relative locations resolve against the directory', async (t) => {
  const dir = await chuteDir(t, {
    'chute.json': '// metadata\n{name: "camera", version: "1.2.3", description: "d", owner: "o"}',
    'chute.struct': STRUCT,
    'chute.files': FILE,
    'README.md': 'not a part',
  });
  const { chute, source } = await loadChute(dir, { label: 'cam' });
  t.deepEqual([chute.name, chute.version, chute.description, chute.owner], ['camera', '1.2.3', 'd', 'o']);
  t.deepEqual(chute.files[0]!.location, { kind: 'file', path: join(dir, 'app.js') });
  t.deepEqual(source.notes, ['cam/chute.files: one file without [ ]: read as a list of one']);
});

test('load: a directory name that is no chute name', async (t) => {
  const dir = await chuteDir(t, { 'Chute.struct': STRUCT }, 'My Camera');
  t.deepEqual(await messages(dir), ['name: "My Camera" is not a chute name (expected a lower-case letter, then up to 31 lower-case letters, digits or "-")']);
});

test('load: problems of the directory come first, then the chute\'s, all at once', async (t) => {
  const dir = await chuteDir(t, {
    'Chute.struct': STRUCT,
    'Chute.trafic': '[]',
    'Chute.resource': '{cpu: 1}',
  });
  t.deepEqual(await messages(dir), [
    'Chute.trafic: not a chute part file (did you mean "Chute.traffic"?) (expected Chute.struct, Chute.files, Chute.resource, Chute.runtime, Chute.traffic or chute.json)',
    'resource.cpu: must be a whole number of CPU shares from 2 to 262144 (got 1)',
  ]);
});

test('load: a part given twice', async (t) => {
  const both = await chuteDir(t, { 'Chute.struct': STRUCT, 'chute.struct': STRUCT });
  t.deepEqual(await messages(both), [
    'struct: both Chute.struct and chute.struct exist; keep one',
    'struct: missing (expected an object with "net" and optionally "disk"; in a directory: the file Chute.struct)',
  ]);
  const inJson = await chuteDir(t, { 'Chute.struct': STRUCT, 'chute.json': `{name: "cam", struct: ${STRUCT}}` });
  t.deepEqual(await messages(inJson), ['struct: given both in chute.json and in Chute.struct; keep one']);
});

test('load: a missing Chute.struct', async (t) => {
  const dir = await chuteDir(t, { 'Chute.runtime': '[]' });
  t.deepEqual(await messages(dir), ['struct: missing (expected an object with "net" and optionally "disk"; in a directory: the file Chute.struct)']);
});

test('load: chute.json that is not an object, or holds prototype keys', async (t) => {
  const list = await chuteDir(t, { 'chute.json': '[1]', 'Chute.struct': STRUCT });
  t.deepEqual(await messages(list), ['chute.json: must be an object with name, version, description, owner']);
  const proto = await chuteDir(t, { 'chute.json': '{"__proto__": {"polluted": 1}, "name": "cam"}', 'Chute.struct': STRUCT });
  t.deepEqual(await messages(proto), ['chute: unknown field "__proto__" (expected one of: name, version, description, owner, struct, files, resource, runtime, traffic, Chute.struct, Chute.files, Chute.resource, Chute.runtime, Chute.traffic)']);
  t.is(({} as Record<string, unknown>).polluted, undefined);
});

test('load: a syntax error names the file, line and column', async (t) => {
  const dir = await chuteDir(t, { 'Chute.struct': STRUCT, 'Chute.runtime': '[\n  {name: "a", program: "b",, }\n]' });
  t.deepEqual(await messages(dir), ['JSON_SYNTAX: cam/Chute.runtime:2:28: invalid character \',\'']);
});

test('load: duplicate keys are refused', async (t) => {
  const dir = await chuteDir(t, { 'Chute.resource': '{cpu: 1024, cpu: 512}', 'Chute.struct': STRUCT });
  t.deepEqual(await messages(dir), ['JSON_SYNTAX: cam/Chute.resource:1:13: duplicate key "cpu" (first at line 1, column 2); JSON would silently keep only the last one']);
});

test('load: a part file larger than 1 MiB is refused unread', async (t) => {
  const dir = await chuteDir(t, { 'Chute.struct': `{net: {}, x: "${'x'.repeat(MAX_PART_BYTES)}"}` });
  t.deepEqual(await messages(dir), [`FIELD_INVALID: cam/Chute.struct: is ${MAX_PART_BYTES + 16} bytes; a chute file holds at most ${MAX_PART_BYTES}`]);
});

test('load: one chute.json file', async (t) => {
  const dir = await chuteDir(t, {
    'seccam.json': `{name: "seccam", version: "2", struct: ${STRUCT}, files: [${FILE}], runtime: [{name: "d", program: "@net.runtime.dhcpserver"}]}`,
    'noname.json': `{struct: ${STRUCT}}`,
  });
  const { chute, source } = await loadChute(join(dir, 'seccam.json'));
  t.is(chute.name, 'seccam');
  t.deepEqual(chute.files[0]!.location, { kind: 'file', path: join(dir, 'app.js') });
  t.deepEqual(chute.runtime, [{ kind: 'dhcpserver', name: 'd' }]);
  t.is(source.kind, 'file');
  t.deepEqual(source.files, [join(dir, 'seccam.json')]);
  t.deepEqual(await messages(join(dir, 'noname.json')), ['name: missing (expected a chute name such as "seccam")']);
});

test('load: a path that does not exist', async (t) => {
  const err = await t.throwsAsync(loadChute('/nonexistent/paradrop/chute', { label: 'nope' }), { instanceOf: ParadropError });
  t.is(err.code, 'CHUTE_NOT_FOUND');
  t.is(err.message, 'nope: no such chute directory or file');
});

test('load: every broken file is reported, and the parts in good files are still validated', async (t) => {
  const dir = await chuteDir(t, {
    'chute.json': '{name: "cam", name: "cam2", version: 1}',
    'Chute.struct': STRUCT,
    'Chute.runtime': '[{name: "a", program: "b",, }]',
    'Chute.resource': '{cpu: 1}',
  });
  t.deepEqual(await messages(dir), [
    'cam/chute.json:1:15: duplicate key "name" (first at line 1, column 2); JSON would silently keep only the last one',
    "cam/Chute.runtime:1:27: invalid character ','",
    'resource.cpu: must be a whole number of CPU shares from 2 to 262144 (got 1)',
  ]);
});

test('load: a broken Chute.struct skips the parts that name its interfaces, not the files', async (t) => {
  const dir = await chuteDir(t, {
    'Chute.struct': '{net: {',
    'Chute.resource': '{wan: {down: 1}}',
    'Chute.files': '[{name: "a"}]',
  });
  t.deepEqual(await messages(dir), [
    'cam/Chute.struct:1:8: invalid end of input (the "{" at line 1, column 7 is never closed)',
    'files[0]: missing field "path" (expected an absolute path inside the chute)',
    'files[0]: missing field "location" (expected @paradrop.server(PATH), an http(s) URL, an absolute path or a path relative to the chute directory)',
    'files[0]: missing field "sha1" (or "sha256"): the file is verified before the chute starts',
  ]);
});

test('load: bytes that are not UTF-8 are an error naming the file and the offset', async (t) => {
  const dir = await chuteDir(t, { 'Chute.struct': '' });
  // "SecCam" with a Latin-1 e-acute (0xe9) where UTF-8 needs two bytes.
  await writeFile(join(dir, 'Chute.struct'), Buffer.concat([Buffer.from('{net: {}, x: "Caf'), Buffer.from([0xe9]), Buffer.from('"}')]));
  t.deepEqual(await messages(dir), ['JSON_SYNTAX: cam/Chute.struct: byte 0xe9 at offset 17 is not UTF-8 (expected UTF-8 text)']);
});

test('load: the size cap holds while reading, whatever the file claims its size is', async (t) => {
  // procfs files are regular files of size 0 whose reads return more.
  const r = await readRegularFile('/proc/self/status', 'status', 10);
  t.deepEqual(r, { ok: false, problems: [{ code: 'FIELD_INVALID', path: 'status', value: 11, expected: 'at most 10 bytes',
    message: 'status: is more than 10 bytes; a chute file holds at most 10' }] });
  const ok = await readRegularFile('/proc/self/status', 'status', MAX_PART_BYTES);
  t.true(ok.ok);
});
