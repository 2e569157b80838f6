// The three descriptions of the ubus object `paradrop` agree: the method table
// (src/daemon/methods.ts), the rpcd ACL that LuCI sessions get (read methods for viewers, the rest
// for admins, nothing else), and the methods the LuCI views call. Also: the views parse as LuCI
// loads them, the menu entry points at an existing view, and the checks themselves catch the
// mistakes they are for (mutated ACLs below).
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { METHODS, METHOD_NAMES, methodsOfAccess, signatureOf, type MethodDef } from '../../src/daemon/methods.js';
import { BLOBMSG_TYPE } from '../../src/ubus/blobmsg.js';
import { VIEW_DIR, declarationsOf, luciEnv, requiresOf, viewFiles, viewSource } from './luci-loader.js';

const ACL_FILE = join(process.cwd(), 'files/usr/share/rpcd/acl.d/luci-app-paradrop.json');
const MENU_FILE = join(process.cwd(), 'files/usr/share/luci/menu.d/luci-app-paradrop.json');
const APP = 'luci-app-paradrop';

type Acl = Record<string, Record<string, unknown>>;
const acl = JSON.parse(readFileSync(ACL_FILE, 'utf8')) as Acl;

interface Call { file: string; object: unknown; method: unknown; params: unknown }

function viewCalls(): Call[] {
  return viewFiles().flatMap((file) => declarationsOf(viewSource(file)).map((d) => ({ file, ...d })));
}

/** Every disagreement between a set of view calls, an ACL document and the method table. */
function aclProblems(calls: Call[], doc: Acl): string[] {
  const out: string[] = [];
  const keys = Object.keys(doc);
  if (keys.length !== 1 || keys[0] !== APP) out.push(`ACL has groups ${keys.join(', ')}, expected only ${APP}`);
  const group = doc[APP] ?? {};
  for (const k of Object.keys(group)) if (!['description', 'read', 'write'].includes(k)) out.push(`ACL group has "${k}"`);
  const granted: Record<'read' | 'write', string[]> = { read: [], write: [] };
  for (const cls of ['read', 'write'] as const) {
    const section = (group[cls] ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(section)) if (k !== 'ubus') out.push(`ACL ${cls} grants "${k}" (only ubus is needed)`);
    const ubus = (section.ubus ?? {}) as Record<string, unknown>;
    for (const obj of Object.keys(ubus)) if (obj !== 'paradrop') out.push(`ACL ${cls} grants ubus object "${obj}"`);
    const list = ubus.paradrop;
    if (!Array.isArray(list)) { out.push(`ACL ${cls} has no method list for paradrop`); continue; }
    granted[cls] = list.map(String);
    for (const m of granted[cls]) {
      if (m.includes('*')) out.push(`ACL ${cls} grants the wildcard "${m}"`);
      else if (!Object.hasOwn(METHODS, m)) out.push(`ACL ${cls} grants "${m}", which the daemon does not have`);
      else if ((METHODS as Record<string, MethodDef>)[m]!.access !== cls) out.push(`ACL ${cls} grants "${m}", a ${(METHODS as Record<string, MethodDef>)[m]!.access} method`);
    }
    const want = methodsOfAccess(cls);
    for (const m of want) if (!granted[cls].includes(m)) out.push(`ACL ${cls} misses "${m}"`);
    if (new Set(granted[cls]).size !== granted[cls].length) out.push(`ACL ${cls} lists a method twice`);
  }
  for (const c of calls) {
    const where = `${c.file}: rpc.declare ${JSON.stringify(c.method)}`;
    if (c.object !== 'paradrop') { out.push(`${where} calls object ${JSON.stringify(c.object)}, which the ACL does not grant`); continue; }
    if (typeof c.method !== 'string' || !Object.hasOwn(METHODS, c.method)) { out.push(`${where}: no such method in src/daemon/methods.ts`); continue; }
    if (![...granted.read, ...granted.write].includes(c.method)) out.push(`${where}: not granted by the ACL`);
    const def = (METHODS as Record<string, MethodDef>)[c.method]!;
    const params = c.params === undefined ? [] : c.params;
    if (!Array.isArray(params)) { out.push(`${where}: params is not a list`); continue; }
    for (const p of params) if (!Object.hasOwn(def.args, p)) out.push(`${where}: param "${String(p)}" is not an argument of ${c.method}`);
    for (const [arg, a] of Object.entries(def.args)) if (a.required && !params.includes(arg)) out.push(`${where}: does not pass required "${arg}"`);
  }
  return out;
}

test('the view calls, the ACL and the method table agree', (t) => {
  t.deepEqual(aclProblems(viewCalls(), acl), []);
});

test('viewers get exactly the read methods, admins the rest, and nothing else', (t) => {
  const g = acl[APP] as { read: { ubus: { paradrop: string[] } }; write: { ubus: { paradrop: string[] } } };
  t.deepEqual([...g.read.ubus.paradrop].sort(), methodsOfAccess('read').sort());
  t.deepEqual([...g.write.ubus.paradrop].sort(), methodsOfAccess('write').sort());
  t.deepEqual([...g.read.ubus.paradrop, ...g.write.ubus.paradrop].sort(), [...METHOD_NAMES].sort());
});

const MUTATIONS: [string, (a: any) => void, RegExp][] = [
  ['a method the view calls is not granted', (a) => { a[APP].write.ubus.paradrop = a[APP].write.ubus.paradrop.filter((m: string) => m !== 'install'); }, /"install".*not granted|misses "install"/],
  ['a granted method does not exist', (a) => { a[APP].write.ubus.paradrop.push('reboot'); }, /"reboot", which the daemon does not have/],
  ['a write method is granted to viewers', (a) => { a[APP].read.ubus.paradrop.push('remove'); }, /read grants "remove", a write method/],
  ['a wildcard', (a) => { a[APP].read.ubus.paradrop.push('*'); }, /wildcard/],
  ['a broader grant (uci, file)', (a) => { a[APP].read.uci = ['paradrop']; a[APP].write.file = { '/tmp/*': ['write'] }; }, /grants "uci"[\s\S]*grants "file"/],
  ['another ubus object', (a) => { a[APP].read.ubus.system = ['info']; }, /ubus object "system"/],
];

for (const [title, mutate, expected] of MUTATIONS) {
  test(`the consistency check fails when ${title}`, (t) => {
    const copy = JSON.parse(JSON.stringify(acl));
    mutate(copy);
    t.regex(aclProblems(viewCalls(), copy).join('\n'), expected);
  });
}

test('the consistency check fails for a view calling an unknown method or passing a wrong param', (t) => {
  const calls = viewCalls();
  t.regex(aclProblems([...calls, { file: 'x.js', object: 'paradrop', method: 'reboot', params: [] }], acl).join('\n'), /"reboot".*no such method/);
  t.regex(aclProblems([...calls, { file: 'x.js', object: 'paradrop', method: 'status', params: ['nmae'] }], acl).join('\n'), /param "nmae"/);
  t.regex(aclProblems([...calls, { file: 'x.js', object: 'file', method: 'read', params: [] }], acl).join('\n'), /object "file"/);
});

test('the declarations the views make when loaded are the ones read from their source', (t) => {
  const env = luciEnv();
  for (const f of viewFiles()) env.load(f);
  const loaded = env.declared.map((d) => `${String(d.object)}.${String(d.method)}(${((d.params as string[]) ?? []).join(',')})`).sort();
  const parsed = viewCalls().map((c) => `${String(c.object)}.${String(c.method)}(${((c.params as string[]) ?? []).join(',')})`).sort();
  t.deepEqual(loaded, parsed);
  t.true(loaded.length >= 10);
});

test('no declaration uses `expect` or `reject` (error replies must reach the error handling)', (t) => {
  for (const c of viewCalls()) {
    const text = declarationsOf(viewSource(c.file)).find((d) => d.method === c.method)!.text;
    t.false(/\bexpect\b|\breject\b/.test(text), text);
  }
});

test('view files parse as LuCI loads them and start with its header', (t) => {
  t.deepEqual(viewFiles(), ['api.js', 'chutes.js', 'dialogs.js']);
  for (const f of viewFiles()) {
    const src = viewSource(f);
    t.true(src.startsWith("'use strict';\n'require "), f);
    const names = requiresOf(src).map((r) => r.as);
    t.notThrows(() => new vm.Script(`(function(_, E, L, ${names.join(', ')}) {${src}\n})`, { filename: f }), f);
    t.regex(src, f === 'chutes.js' ? /\nreturn view\.extend\(\{/ : /\nreturn baseclass\.extend\(\{/, f);
  }
});

test('views require only LuCI\'s own modules and each other (no fs, no uci, no raw requests)', (t) => {
  const allowed = new Set(['baseclass', 'rpc', 'view', 'dom', 'poll', 'ui', 'form', 'view.paradrop.api', 'view.paradrop.dialogs']);
  for (const f of viewFiles()) {
    for (const r of requiresOf(viewSource(f))) {
      t.true(allowed.has(r.module), `${f} requires ${r.module}`);
      if (r.module.startsWith('view.paradrop.')) t.true(existsSync(join(VIEW_DIR, `${r.module.split('.').pop()}.js`)), r.module);
    }
    t.false(/XMLHttpRequest|\bfetch\(|L\.Request|\brequest\.(get|post|request)\(/.test(viewSource(f)), f);
  }
});

test('the menu entry is valid JSON, under Services, pointing at an existing view, gated by the ACL', (t) => {
  const menu = JSON.parse(readFileSync(MENU_FILE, 'utf8')) as Record<string, { title: string; action: { type: string; path: string }; depends: { acl: string[] } }>;
  const entry = menu['admin/services/paradrop'];
  t.truthy(entry);
  t.is(entry!.action.type, 'view');
  t.true(existsSync(join(VIEW_DIR, '..', `${entry!.action.path}.js`)), entry!.action.path);
  t.deepEqual(entry!.depends.acl, [APP]);
  t.truthy(entry!.title);
});

test('method table: names, signatures, choices and long methods are consistent', (t) => {
  const blobTypes = new Set<number>(Object.values(BLOBMSG_TYPE));
  for (const name of METHOD_NAMES) {
    const def: MethodDef = METHODS[name];
    t.regex(name, /^[a-z]+(_[a-z]+)*$/);
    t.truthy(def.doc);
    for (const n of Object.values(signatureOf(name))) t.true(blobTypes.has(n), `${name}: ${n}`);
    for (const arg of def.choice?.of ?? []) t.true(Object.hasOwn(def.args, arg) && !def.args[arg]!.required, `${name}.${arg}`);
    if (def.long) t.is(def.access, 'write', `${name}: long methods change chutes`);
  }
  t.deepEqual(signatureOf('remove'), { name: BLOBMSG_TYPE.STRING, keep_data: BLOBMSG_TYPE.BOOL });
  t.deepEqual(signatureOf('set_resources'), { name: BLOBMSG_TYPE.STRING, cpu: BLOBMSG_TYPE.INT32, memory: BLOBMSG_TYPE.STRING, net: BLOBMSG_TYPE.TABLE });
  for (const m of ['info', 'list', 'status', 'validate', 'render', 'install', 'update', 'start', 'stop', 'restart', 'freeze', 'unfreeze', 'remove', 'set_resources', 'logs', 'changes', 'change']) {
    t.true((METHOD_NAMES as string[]).includes(m), m);
  }
});
