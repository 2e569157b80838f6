// What the LuCI page does with the daemon's replies, run in node with test doubles for LuCI (no
// browser or LuCI runtime here; see luci-loader.ts): error replies become errors with the daemon's
// own text, sources are chosen from the input, refreshing continues until things settle, the
// table shows state, addresses, limits and usage, viewers get no actions, actions call the
// right methods, failed changes are reported once.
import test from 'ava';
import { E, findAll, luciEnv, textOf, type FakeNode } from './luci-loader.js';

type Reply = unknown;

function page(opts: { readonly?: boolean; replies?: Record<string, (args: Record<string, unknown>) => Reply> } = {}) {
  const env = luciEnv({ readonly: opts.readonly ?? false });
  const replies = opts.replies ?? {};
  env.setHandler((_obj, method, args) => (replies[method] ? replies[method]!(args) : {}));
  const view = env.load('chutes.js');
  const api = env.modules['api.js'] as any;
  return { env, view, api, replies };
}

const CHUTE = {
  name: 'seccam', version: '0.1.0', description: 'camera', desired: 'running', state: 'RUNNING', slot: 'xf5',
  addresses: ['wifi=10.128.0.2/24'],
  interfaces: [{ name: 'wifi', address: '10.128.0.2/24', ssid: 'SecCam', downKbps: 5000 }],
  limits: { cpuShares: 1024, memoryBytes: 64 * 1048576, diskKiB: 65536 },
  usage: { memoryBytes: 10 * 1048576, memoryLimitBytes: 64 * 1048576, cpuUsageNs: 1e9, pids: 3, oomKills: 0 },
};

const ERR = { code: 'CHUTE_NOT_FOUND', message: 'chute "nope" is not installed; see `paradrop list`' };

test('api: replies become values, error replies errors with the daemon\'s text', (t) => {
  const { api } = page();
  const cases: [Reply, string | null][] = [
    [{ chutes: [] }, null],
    [0, null],
    [ERR, ERR.message],
    [{ code: 'VALIDATION_FAILED', message: 'x: 2 problems:\n  a\n  b', problems: [] }, 'x: 2 problems:\n  a\n  b'],
    [4, 'paradrop status failed: status 4'],
  ];
  for (const [reply, message] of cases) {
    if (message === null) t.is(api.unwrapReply('status', reply), reply);
    else t.is(t.throws(() => api.unwrapReply('status', reply))?.message, message);
  }
});

test('api: transport failures are explained', (t) => {
  const { api } = page();
  const cases: [string, RegExp][] = [
    ['RPC call to paradrop/list failed with error -32000: Object not found', /daemon is not running.*-32000/],
    ['RPC call to paradrop/install failed with error -32002: Access denied', /may not call paradrop install/],
    ['timeout', /^timeout$/],
  ];
  for (const [text, re] of cases) t.regex(api.explainRpcError(text.includes('install') ? 'install' : 'list', new Error(text)).message, re);
});

test('api: a status error reaches the caller as PdError with code and message', async (t) => {
  const { api } = page({ replies: { status: () => ERR } });
  const err = await t.throwsAsync(api.status('nope')) as Error & { code?: string };
  t.is(err.message, ERR.message);
  t.is(err.code, 'CHUTE_NOT_FOUND');
});

test('api: install sends only the source it has', async (t) => {
  const { api, env } = page({ replies: { install: () => ({ change: 'c1' }) } });
  t.deepEqual(await api.install({ spec: '{struct: {}}' }), { change: 'c1' });
  await api.install({ url: 'https://s.example/c.json' });
  t.deepEqual(env.calls.map((c) => c.args), [{ spec: '{struct: {}}' }, { url: 'https://s.example/c.json' }]);
});

test('api: helpers', (t) => {
  const { api } = page();
  const sources: [string, unknown][] = [
    ['https://x.example/c.json', { url: 'https://x.example/c.json' }],
    [' /usr/share/paradrop/examples/seccam ', { path: '/usr/share/paradrop/examples/seccam' }],
    ['seccam', null], ['', null], ['ftp://x', null],
  ];
  for (const [input, want] of sources) t.deepEqual(api.sourceFromInput(input), want, input);
  const settled: [unknown[], unknown[], boolean][] = [
    [[{ state: 'RUNNING' }], [{ state: 'done' }], false],
    [[{ state: 'RUNNING' }], [{ state: 'running' }], true],
    [[{ state: 'STOPPED' }], [{ state: 'queued' }], true],
    [[{ state: 'STARTING' }], [], true],
    [[{ state: 'FROZEN' }], [{ state: 'failed' }], false],
  ];
  for (const [chutes, changes, want] of settled) t.is(api.isUnsettled(chutes, changes), want);
  const sizes: [number, string, string][] = [[0, '0 B', '0M'], [67108864, '64.0 MiB', '64M'], [1536, '1.5 KiB', '1536'], [1073741824, '1.0 GiB', '1024M']];
  for (const [n, text, input] of sizes) { t.is(api.formatBytes(n), text); t.is(api.sizeInput(n), input); }
  t.is(api.cpuPercent({ cpuUsageNs: 0, at: 0 }, { cpuUsageNs: 5e8, at: 1000 }), 50);
  t.is(api.cpuPercent(undefined, { cpuUsageNs: 5e8, at: 1000 }), null);
});

function snapshotReplies(chutes: unknown[], changes: unknown[]) {
  return {
    info: () => ({ version: '0.1.0', profile: { name: 'default' }, cgroup: 'v2', radios: [{ name: 'radio0', band: '2g', used: 1, maxAps: 4 }], free: { memoryBytes: 256 * 1048576, subnets: 255, diskKiB: null } }),
    list: () => ({ chutes: chutes.map((c: any) => ({ name: c.name, version: c.version, desired: c.desired, state: c.state, slot: c.slot, addresses: c.addresses })) }),
    status: (a: Record<string, unknown>) => chutes.find((c: any) => c.name === a.name) ?? ERR,
    changes: () => ({ changes }),
  };
}

async function rendered(opts: { readonly?: boolean; chutes?: unknown[]; changes?: unknown[] } = {}) {
  const p = page({ readonly: opts.readonly ?? false, replies: snapshotReplies(opts.chutes ?? [CHUTE], opts.changes ?? []) });
  const data = await p.view.load();
  const root = p.view.render(data) as FakeNode;
  return { ...p, root };
}

const buttons = (n: FakeNode): string[] => findAll(n, (x) => x.tag === 'button').map(textOf);

test('page: the chute row shows state, addresses, limits and usage; the gateway its facts', async (t) => {
  const { root } = await rendered();
  const text = textOf(root);
  for (const s of ['seccam', 'RUNNING', 'wifi 10.128.0.2/24', 'SSID SecCam', 'CPU 1024 shares', 'memory 64.0 MiB', 'disk 64.0 MiB', 'wifi: ↓5000 ↑- kbit/s',
    'memory 10.0 MiB', '3 processes', 'radio0 (2g, 1/4)', '256 MiB']) {
    t.true(text.includes(s), s);
  }
  t.deepEqual(buttons(findAll(root, (x) => x.tag === 'table').pop()!), ['Logs', 'Stop', 'Restart', 'Freeze', 'Resources', 'Update', 'Remove']);
});

const BY_STATE: [string, string[]][] = [
  ['STOPPED', ['Logs', 'Start', 'Resources', 'Update', 'Remove']],
  ['FROZEN', ['Logs', 'Unfreeze', 'Stop', 'Resources', 'Update', 'Remove']],
];
for (const [state, want] of BY_STATE) {
  test(`page: a ${state} chute offers ${want.join(', ')}`, async (t) => {
    const { root } = await rendered({ chutes: [{ ...CHUTE, state, usage: null }] });
    t.deepEqual(buttons(findAll(root, (x) => x.tag === 'table').pop()!), want);
  });
}

test('page: a viewer (read-only ACL) sees the chutes and logs, no actions and no install form', async (t) => {
  const { root } = await rendered({ readonly: true });
  t.deepEqual(buttons(root), ['Logs']);
  t.false(textOf(root).includes('Install a chute'));
});

test('page: no daemon: the error is shown instead of the table', async (t) => {
  const p = page({ replies: {} });
  p.env.setHandler(() => { throw new Error('RPC call to paradrop/list failed with error -32000: Object not found'); });
  const root = p.view.render(await p.view.load()) as FakeNode;
  t.regex(textOf(root), /daemon is not running/);
});

test('page: refreshes every 2 s while a change runs, then only every 10 s', async (t) => {
  const running = [{ id: 'c1', method: 'install', chute: 'seccam', state: 'running', step: 'fetch seccam.js', percent: 40 }];
  const { env, view, root } = await rendered({ changes: running });
  t.is(env.polls.length, 1);
  t.is(env.polls[0]!.interval, 2);
  t.regex(textOf(root), /fetch seccam\.js/);
  t.truthy(findAll(root, (x) => x.attrs.class === 'cbi-progressbar' && x.attrs.title === '40%')[0]);
  const before = env.calls.filter((c) => c.method === 'changes').length;
  await env.polls[0]!.fn();
  t.is(env.calls.filter((c) => c.method === 'changes').length, before + 1, 'unsettled: refreshed');
  view.unsettled = false;
  view.lastRefresh = Date.now();
  await env.polls[0]!.fn();
  t.is(env.calls.filter((c) => c.method === 'changes').length, before + 1, 'settled and recent: not refreshed');
  view.lastRefresh = Date.now() - 11000;
  await env.polls[0]!.fn();
  t.is(env.calls.filter((c) => c.method === 'changes').length, before + 2, 'settled: refreshed after 10 s');
});

test('page: a change that fails is reported once, with the daemon\'s message; failures older than the page are not', async (t) => {
  const old = { id: 'c0', method: 'install', chute: 'old', state: 'failed', step: 'x', percent: 100, error: { code: 'X', message: 'old failure' } };
  const changes: any[] = [old, { id: 'c1', method: 'start', chute: 'seccam', state: 'running', step: 'start container', percent: 50 }];
  const { env, replies } = await rendered({ changes });
  t.is(env.notifications.length, 0);
  changes[1] = { ...changes[1], state: 'failed', error: { code: 'COMMAND_FAILED', message: 'lxc-start: container "pd-seccam" failed to start' } };
  replies.changes = () => ({ changes });
  await env.polls[0]!.fn();
  await env.polls[0]!.fn();
  t.is(env.notifications.length, 1);
  t.is(textOf(env.notifications[0]!.body), 'lxc-start: container "pd-seccam" failed to start');
});

async function click(root: FakeNode, label: string): Promise<void> {
  const b = findAll(root, (x) => x.tag === 'button' && textOf(x) === label)[0];
  if (!b) throw new Error(`no button ${label}`);
  await (b.attrs.click as () => Promise<void>)();
}

test('page: Start calls start and refreshes; a refusal is shown as the daemon words it', async (t) => {
  const { env, root, replies } = await rendered({ chutes: [{ ...CHUTE, state: 'STOPPED', usage: null }] });
  replies.start = () => ({ change: 'c2' });
  const lists = env.calls.filter((c) => c.method === 'list').length;
  await click(root, 'Start');
  t.deepEqual(env.calls.find((c) => c.method === 'start')!.args, { name: 'seccam' });
  t.true(env.calls.filter((c) => c.method === 'list').length > lists);
  replies.start = () => ({ code: 'CHUTE_STATE', message: 'chute "seccam" is already running' });
  await click(root, 'Start');
  t.is(textOf(env.notifications.pop()!.body), 'chute "seccam" is already running');
});

test('page: Remove asks first; the dialog sends keep_data and shows a refusal in place', async (t) => {
  const { env, root, replies } = await rendered();
  await click(root, 'Remove');
  t.is(env.calls.filter((c) => c.method === 'remove').length, 0, 'nothing removed before confirming');
  const modal = E('div', {}, env.modals.pop()!.body);
  replies.remove = () => ({ code: 'BUSY', message: 'another change holds the lock' });
  await click(modal, 'Remove');
  t.deepEqual(env.calls.find((c) => c.method === 'remove')!.args, { name: 'seccam', keep_data: false });
  t.regex(textOf(modal), /another change holds the lock/);
});

test('page: Stop and Freeze ask first', async (t) => {
  for (const label of ['Stop', 'Freeze']) {
    const { env, root, replies } = await rendered();
    replies[label.toLowerCase()] = () => ({ change: 'c3' });
    await click(root, label);
    t.is(env.calls.filter((c) => c.method === label.toLowerCase()).length, 0);
    await click(E('div', {}, env.modals.pop()!.body), label);
    t.deepEqual(env.calls.find((c) => c.method === label.toLowerCase())!.args, { name: 'seccam' });
  }
});

test('page: install from the field (URL or path), Check on a path, uploads as spec text, big files refused', async (t) => {
  const { env, view, replies } = await rendered({ chutes: [] });
  replies.install = () => ({ change: 'c4' });
  replies.validate = () => ({ valid: false, problems: [{ code: 'FIELD_INVALID', path: 'files[0].sha1', message: 'files[0].sha1: "x" is not a SHA-1 hash' }], notes: [] });
  await view.submit(view.sourceFromField({ value: 'https://s.example/seccam/chute.json' }), false);
  await view.submit(view.sourceFromField({ value: '/usr/share/paradrop/examples/seccam' }), true);
  t.deepEqual(env.calls.filter((c) => c.method === 'install' || c.method === 'validate').map((c) => [c.method, c.args]), [
    ['install', { url: 'https://s.example/seccam/chute.json' }],
    ['validate', { path: '/usr/share/paradrop/examples/seccam' }],
  ]);
  t.regex(textOf(E('div', {}, env.modals.pop()!.body)), /files\[0\]\.sha1: "x" is not a SHA-1 hash/);
  const src = await view.sourceFromFile({ files: [{ name: 'chute.json', size: 20, text: () => Promise.resolve('{struct: {}}') }] });
  t.deepEqual(src, { spec: '{struct: {}}' });
  await view.sourceFromFile({ files: [{ name: 'big.json', size: 100000, text: () => Promise.resolve('') }] });
  t.regex(textOf(env.notifications.pop()!.body), /big\.json is 97\.7 KiB; LuCI can send at most 48\.0 KiB/);
  view.sourceFromField({ value: 'seccam' });
  t.regex(textOf(env.notifications.pop()!.body), /URL or an absolute path/);
});

test('page: Resources sends the changed limits as set_resources arguments; a bad size is refused in the dialog', async (t) => {
  const { env, root, replies } = await rendered();
  replies.set_resources = () => ({ change: 'c5' });
  await click(root, 'Resources');
  const map = env.maps.pop();
  t.deepEqual(map.values.res, { cpu: '1024', memory: '64M', down_wifi: '5000', up_wifi: '' });
  map.values.res.memory = 'lots';
  const modal = E('div', {}, env.modals.pop()!.body);
  await click(modal, 'Apply');
  t.is(env.calls.filter((c) => c.method === 'set_resources').length, 0);
  t.regex(textOf(modal), /Expecting a size/);
  Object.assign(map.values.res, { cpu: '512', memory: '128M', up_wifi: '1000' });
  await click(modal, 'Apply');
  t.deepEqual(env.calls.find((c) => c.method === 'set_resources')!.args, { name: 'seccam', cpu: 512, memory: '128M', net: { wifi: { down: 5000, up: 1000 } } });
});

/** The modal's text once it matches `re`: the logs call resolves after the click handler returns. */
async function textWhen(node: FakeNode, re: RegExp): Promise<string> {
  const deadline = Date.now() + 5000;
  while (!re.test(textOf(node)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return textOf(node);
}

test('page: Logs shows the daemon\'s text, or its error', async (t) => {
  const { env, root, replies } = await rendered();
  replies.logs = (a) => ({ text: `[web] listening (${String(a.lines)} lines)` });
  await click(root, 'Logs');
  const modal = E('div', {}, env.modals.pop()!.body);
  t.regex(await textWhen(modal, /listening/), /\[web\] listening \(100 lines\)/);
  replies.logs = () => ERR;
  await click(modal, 'Refresh');
  t.regex(await textWhen(modal, /is not installed/), /is not installed/);
});
