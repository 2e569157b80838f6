// The change queue (one mutation at a time, in order; events for every state; the log bounded)
// and the argument checks of the method table. Pure, no system.
import test from 'ava';
import { ChangeQueue, MAX_KEPT } from '../../src/daemon/changes.js';
import { checkArgs } from '../../src/daemon/check-args.js';
import { toErrorReply, statusOfReply } from '../../src/daemon/error-reply.js';
import type { ChangeEvent } from '../../src/daemon/methods.js';
import { ParadropError } from '../../src/errors.js';
import { UbusStatus } from '../../src/ubus/index.js';

test('mutations run one at a time in arrival order; events follow queued → running → done|failed', async (t) => {
  const events: ChangeEvent[] = [];
  const q = new ChangeQueue((e) => events.push({ ...e }));
  let active = 0;
  let most = 0;
  const order: string[] = [];
  const work = (tag: string, fail = false) => async (update: (s: string, p?: number) => void) => {
    active++;
    most = Math.max(most, active);
    order.push(`start ${tag}`);
    update(`step of ${tag}`, 50);
    await new Promise((r) => setTimeout(r, 20));
    order.push(`end ${tag}`);
    active--;
    if (fail) throw new ParadropError('CHUTE_STATE', `${tag} cannot`);
    return { tag };
  };
  const a = q.enqueue('start', 'a', work('a'), toErrorReply);
  const b = q.enqueue('stop', 'b', work('b', true), toErrorReply);
  t.true(q.busy);
  await q.drain();
  t.is(most, 1);
  t.deepEqual(order, ['start a', 'end a', 'start b', 'end b']);
  t.like(q.get(a), { state: 'done', percent: 100, result: { tag: 'a' } });
  t.like(q.get(b), { state: 'failed', error: { code: 'CHUTE_STATE', message: 'b cannot' } });
  t.deepEqual(events.filter((e) => e.id === a).map((e) => [e.state, e.step, e.percent]),
    [['queued', 'queued', 0], ['running', 'started', 0], ['running', 'step of a', 50], ['done', 'done', 100]]);
  t.deepEqual(q.list().map((r) => r.id), [b, a], 'newest first');
});

test(`the log keeps the last ${MAX_KEPT} finished changes`, async (t) => {
  const q = new ChangeQueue(() => undefined);
  const ids = Array.from({ length: MAX_KEPT + 5 }, () => q.enqueue('start', 'x', async () => undefined, toErrorReply));
  await q.drain();
  t.is(q.list().length, MAX_KEPT);
  t.is(q.get(ids[0]!), undefined);
  t.truthy(q.get(ids.at(-1)!));
});

const ARGS: Array<[string, Parameters<typeof checkArgs>[0], Record<string, unknown>, RegExp | null]> = [
  ['ok', 'status', { name: 'a' }, null],
  ['missing name', 'status', {}, /argument "name" is missing/],
  ['wrong type', 'status', { name: 5 }, /argument "name" is 5; expected a string/],
  ['unknown argument', 'list', { all: true }, /unknown argument "all" \(it takes none\)/],
  ['no choice', 'validate', {}, /give one of path, spec/],
  ['two choices', 'install', { path: '/a', spec: '{}' }, /give only one of path, url, spec, not path and spec/],
  ['optional choice', 'update', { name: 'a' }, null],
  ['bool', 'remove', { name: 'a', keep_data: 'yes' }, /keep_data.*expected true or false/],
  ['int', 'logs', { name: 'a', lines: 2.5 }, /lines.*expected a whole number/],
  ['table', 'set_resources', { name: 'a', net: [] }, /net.*expected an object/],
];

for (const [what, method, args, re] of ARGS) {
  test(`checkArgs: ${what}`, (t) => {
    if (re === null) { t.notThrows(() => checkArgs(method, args)); return; }
    const err = t.throws(() => checkArgs(method, args));
    t.is((err as ParadropError).code, 'USAGE');
    t.regex(err!.message, re);
    t.is(statusOfReply(toErrorReply(err)), UbusStatus.INVALID_ARGUMENT);
  });
}
