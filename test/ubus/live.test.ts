// Our client against our broker over real unix sockets in temp dirs: calls, lookups, concurrent
// invokes, events, subscriptions, timeouts and a broker restart. Every wait is bounded.
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UbusBroker } from '../../src/ubus/broker.js';
import { type UbusClientOptions, UbusClient } from '../../src/ubus/client.js';
import { type UbusMessage, MessageType } from '../../src/ubus/message.js';
import { UbusError } from '../../src/ubus/status.js';
import { registerDemo } from './demo-object.js';

interface World {
  dir: string;
  socketPath: string;
  broker: UbusBroker;
  clients: UbusClient[];
  connect(options?: UbusClientOptions): Promise<UbusClient>;
}

async function world(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'pd-ubus-live-'));
  const socketPath = join(dir, 'ubus.sock');
  const w: World = {
    dir, socketPath, broker: await UbusBroker.start({ socketPath }), clients: [],
    async connect(options = {}) {
      const c = await UbusClient.connect({ socketPath, timeoutMs: 3_000, reconnectDelayMs: { min: 20, max: 200 }, ...options });
      w.clients.push(c);
      return c;
    },
  };
  return w;
}

async function teardown(w: World): Promise<void> {
  for (const c of w.clients) c.close();
  await w.broker.stop();
  rmSync(w.dir, { recursive: true, force: true });
}

/** Polls a condition until it holds, at most `ms`. */
async function until(what: string, cond: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return err instanceof UbusError ? err.code : String(err);
  }
};

test('live: call, lookup (exact, wildcard, all) and error statuses', async (t) => {
  const w = await world();
  try {
    const server = await w.connect();
    await registerDemo(server);
    const caller = await w.connect();
    t.not(caller.clientId, server.clientId);
    t.deepEqual(await caller.call('demo', 'add', { a: 2, b: 40 }), { sum: 42 });
    t.deepEqual(await caller.call('demo', 'echo', { x: [1, 'two', { three: 3 }] }), { x: [1, 'two', { three: 3 }] });
    const multi = await caller.callRaw('demo', 'multi');
    t.is(multi.status, 0);
    t.is(multi.data.length, 2);
    t.is(await caller.call('demo', 'nodata'), undefined);
    t.deepEqual((await caller.lookup('demo*')).map((o) => o.path), ['demo', 'demo.sub']);
    t.deepEqual((await caller.lookup()).map((o) => o.path), ['demo', 'demo.sub']);
    const [demo] = await caller.lookup('demo');
    t.deepEqual(demo?.signature.add, { a: 5, b: 5 });
    t.is(await codeOf(caller.lookup('nosuch')), 'UBUS_NOT_FOUND');
    t.is(await codeOf(caller.call('nope', 'x')), 'UBUS_NOT_FOUND');
    t.is(await codeOf(caller.call('demo', 'nope')), 'UBUS_METHOD_NOT_FOUND');
    t.is(await codeOf(caller.call('demo', 'fail')), 'UBUS_NOT_SUPPORTED');
    t.is(await codeOf(caller.call('demo', 'add', { a: 'x' })), 'UBUS_INVALID_ARGUMENT');
    await caller.ping();
  } finally {
    await teardown(w);
  }
});

test('live: 50 concurrent invokes are each answered once, with their own reply', async (t) => {
  const w = await world();
  try {
    const server = await w.connect();
    let handled = 0;
    await server.addObject({
      path: 'slow',
      methods: {
        echo: async (req) => {
          handled++;
          await new Promise((r) => setTimeout(r, (Number(req.args.n) * 7) % 23));
          return { n: req.args.n };
        },
      },
    });
    const statuses = new Map<number, number>();
    const conn = server.connection();
    const send = conn.send.bind(conn);
    conn.send = (m: UbusMessage) => {
      if (m.type === MessageType.STATUS) statuses.set(m.seq, (statuses.get(m.seq) ?? 0) + 1);
      send(m);
    };
    const caller = await w.connect();
    const id = await caller.lookupId('slow');
    const replies = await Promise.all(Array.from({ length: 50 }, (_, n) => caller.invoke(id, 'echo', { n })));
    t.deepEqual(replies, Array.from({ length: 50 }, (_, n) => ({ n })));
    t.is(handled, 50);
    t.is(statuses.size, 50);
    t.true([...statuses.values()].every((c) => c === 1), 'one STATUS per request');
  } finally {
    await teardown(w);
  }
});

test('live: events reach matching listeners only, never the sender itself', async (t) => {
  const w = await world();
  try {
    const listener = await w.connect();
    const got: string[] = [];
    await listener.listen(['demo.*', 'other'], (event, data) => {
      got.push(`${event} ${JSON.stringify(data)}`);
    });
    const objectEvents: string[] = [];
    await listener.listen('ubus.object.*', (event, data) => {
      objectEvents.push(`${event} ${String(data.path)}`);
    });
    const sender = await w.connect();
    const own: string[] = [];
    await sender.listen('*', (event) => {
      own.push(event);
    });
    for (const e of ['demo.a', 'other', 'other.x', 'x', 'demo.b']) await sender.sendEvent(e, { e });
    await until('three events', () => got.length >= 3);
    t.is(await codeOf(sender.sendEvent('ubus.fake')), 'UBUS_PERMISSION_DENIED');
    const server = await w.connect();
    const obj = await server.addObject({ path: 'thing', methods: { x: () => undefined } });
    await obj.remove();
    await until('object events', () => objectEvents.length >= 2);
    await listener.ping();
    t.deepEqual(got, ['demo.a {"e":"demo.a"}', 'other {"e":"other"}', 'demo.b {"e":"demo.b"}']);
    t.deepEqual(objectEvents, ['ubus.object.add thing', 'ubus.object.remove thing']);
    t.false(own.some((e) => e.startsWith('demo.') || e.startsWith('other')), "sender's own listener got none of its events");
  } finally {
    await teardown(w);
  }
});

test('live: subscribe, notify, active flag, and target removal', async (t) => {
  const w = await world();
  try {
    const server = await w.connect();
    const { demo, log } = await registerDemo(server);
    const subscriber = await w.connect();
    const ticks: string[] = [];
    let removed = false;
    const sub = await subscriber.subscribe('demo', (type, data) => {
      ticks.push(`${type} ${JSON.stringify(data)}`);
    }, { onRemove: () => { removed = true; } });
    await until('has_subscribers', () => demo.hasSubscribers);
    const caller = await w.connect();
    t.deepEqual(await caller.call('demo', 'notify', { msg: 'hello' }), { has_subscribers: true });
    t.deepEqual(ticks, ['demo.tick {"msg":"hello"}']);
    const direct = await demo.notify('demo.tock', { n: 1 });
    t.deepEqual(direct.subscribers, [sub.id]);
    t.is(direct.statuses.get(sub.id), 0);
    await demo.notify('demo.quiet', {}, { noReply: true });
    await until('fire-and-forget notification', () => ticks.length === 3);
    await sub.close();
    await until('no subscribers', () => !demo.hasSubscribers);
    t.deepEqual(log, ['demo: has_subscribers=1', 'demo: has_subscribers=0']);
    await subscriber.subscribe('demo', () => undefined, { onRemove: () => { removed = true; } });
    await demo.remove();
    await until('UNSUBSCRIBE on target removal', () => removed);
    t.pass();
  } finally {
    await teardown(w);
  }
});

test('live: a method that never answers fails with TIMEOUT within the bound', async (t) => {
  const w = await world();
  try {
    const server = await w.connect();
    await server.addObject({ path: 'hang', methods: { wait: () => new Promise<never>(() => undefined) } });
    const caller = await w.connect();
    const started = Date.now();
    const err = await t.throwsAsync(caller.call('hang', 'wait', {}, { timeoutMs: 300 }));
    const elapsed = Date.now() - started;
    t.is((err as UbusError).code, 'UBUS_TIMEOUT');
    t.is((err as UbusError).status, 7);
    t.true(elapsed >= 250 && elapsed < 2_000, `took ${elapsed} ms`);
    // The connection stays usable after a timeout.
    await caller.ping();
  } finally {
    await teardown(w);
  }
});

test('live: connecting to a missing socket fails quickly with CONNECTION_FAILED', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pd-ubus-none-'));
  try {
    const started = Date.now();
    const err = await t.throwsAsync(UbusClient.connect({ socketPath: join(dir, 'absent.sock'), connectTimeoutMs: 1_000 }));
    t.is((err as UbusError).code, 'UBUS_CONNECTION_FAILED');
    t.true(Date.now() - started < 1_500);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('live: after a broker restart the client reconnects and registers its object and listener again', async (t) => {
  const w = await world();
  try {
    const server = await w.connect();
    await registerDemo(server);
    const events: string[] = [];
    await server.listen('restart.*', (event) => {
      events.push(event);
    });
    const oldId = server.clientId;
    let reconnected = false;
    server.on('reconnect', () => { reconnected = true; });
    let dropped = false;
    server.on('disconnect', () => { dropped = true; });

    await w.broker.stop();
    await until('disconnect noticed', () => dropped);
    t.is(await codeOf(server.ping({ timeoutMs: 100 })), 'UBUS_TIMEOUT');
    w.broker = await UbusBroker.start({ socketPath: w.socketPath });
    await until('reconnected and registered again', () => reconnected, 5_000);
    t.not(server.clientId, oldId);

    const caller = await w.connect();
    t.deepEqual(await caller.call('demo', 'add', { a: 1, b: 2 }), { sum: 3 });
    t.deepEqual(await caller.call('demo.sub', 'ping'), { pong: 'demo.sub' });
    await caller.sendEvent('restart.done', {});
    await until('event after restart', () => events.length === 1);
    t.deepEqual(events, ['restart.done']);
  } finally {
    await teardown(w);
  }
});
