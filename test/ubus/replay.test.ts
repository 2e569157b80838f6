// Our client and server against captured sessions, with a replaying test double in place of
// ubusd (it can't run here). Each `ubus` CLI connection is replayed through our client + CLI
// formatter (bytes written, stdout, stderr, exit code); each demo server connection through our
// implementation of the demo objects (replies byte for byte, signatures included); each raw client
// connection through the bare connection layer (seq, peer matching, statuses).
import test from 'ava';
import { UbusClient } from '../../src/ubus/client.js';
import { UbusConnection } from '../../src/ubus/connection.js';
import { type UbusMessage, decodeMessage, getU32, Attr, MessageType } from '../../src/ubus/message.js';
import { runUbusCli } from './cli-driver.js';
import { registerDemo, registerRawServer } from './demo-object.js';
import { ReplaySocket, replayFinished } from './replay.js';
import { type Command, type Session, loadSessions, unhex } from './vectors.js';

const FINISH_MS = 5_000;

/**
 * Where our client knowingly differs from the real CLI. `ubus call` on an object that LOOKUP
 * hides (ACL) goes on with an uninitialised id (0x7ffe in the capture) and gets NOT_FOUND from
 * the INVOKE; our client stops at the empty lookup with NOT_FOUND instead.
 */
const DEVIATIONS: Record<string, { lastFrame: number; exitCode: number; stderr: string }> = {
  'acl_nonroot/client4': { lastFrame: 29, exitCode: 4, stderr: 'Command failed: Not found\n' },
};

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

function clientReplay(s: Session, cmd: Command): void {
  test(`replayed ubusd -> our client ${s.name}/${cmd.conn}: ${cmd.argv.slice(3).join(' ')}`, async (t) => {
    const deviation = DEVIATIONS[`${s.name}/${cmd.conn}`];
    const frames = s.frames.filter((f) => f.conn === cmd.conn && (deviation === undefined || f.index <= deviation.lastFrame));
    const sock = new ReplaySocket(frames, `${s.name}/${cmd.conn}`);
    const client = await UbusClient.connect({ createSocket: () => sock, reconnect: false, timeoutMs: FINISH_MS });
    try {
      t.is(client.clientId, parseInt(s.connections[cmd.conn]!, 16), 'client id learnt from HELLO');
      const finished = replayFinished(sock, FINISH_MS);
      const run = await runUbusCli(client, cmd.argv.slice(3), finished.then(settle));
      await finished;
      await settle();
      t.deepEqual(sock.extraWrites.map((b) => b.toString('hex')), [], 'nothing written beyond the capture');
      t.is(run.stdout, cmd.stdout, 'stdout');
      if (deviation !== undefined) {
        t.is(run.exitCode, deviation.exitCode, 'exit code (documented deviation)');
        t.is(run.stderr, deviation.stderr, 'stderr (documented deviation)');
        return;
      }
      t.is(run.exitCode, cmd.exit_code, 'exit code');
      if (run.usage) {
        t.true(cmd.stderr.startsWith(run.stderr), 'stderr before the usage text');
        t.true(cmd.stderr.includes('Usage: ubus'), 'the CLI printed its usage');
      } else {
        t.is(run.stderr, cmd.stderr, 'stderr');
      }
    } finally {
      client.close();
    }
  });
}

function serverReplay(s: Session, cmd: Command): void {
  const raw = cmd.argv[0] === 'raw_client.py';
  test(`replayed ubusd -> our server ${s.name}/${cmd.conn}: ${raw ? 'raw.srv' : 'demo, demo.sub'}`, async (t) => {
    const frames = s.frames.filter((f) => f.conn === cmd.conn);
    const sock = new ReplaySocket(frames, `${s.name}/${cmd.conn}`);
    const client = await UbusClient.connect({ createSocket: () => sock, reconnect: false, timeoutMs: FINISH_MS });
    try {
      if (raw) {
        const obj = await registerRawServer(client);
        t.is<number | undefined, number | undefined>(obj.id, getU32(decodeMessage(unhex(frames[2]!.hex)), Attr.OBJID), 'object id from ubusd');
      } else {
        const demo = await registerDemo(client);
        await replayFinished(sock, FINISH_MS);
        await settle();
        // demo_server logs every change of its subscriber flag (ubusd's NOTIFY active=1/0).
        t.is(['demo: ready', ...demo.log].map((l) => `${l}\n`).join(''), cmd.stderr, 'has_subscribers changes');
      }
      await replayFinished(sock, FINISH_MS);
      await settle();
      t.deepEqual(sock.extraWrites.map((b) => b.toString('hex')), [], 'nothing written beyond the capture');
    } finally {
      client.close();
    }
  });
}

function rawReplay(s: Session, conn: string): void {
  test(`replayed ubusd -> our connection ${s.name}/${conn}`, async (t) => {
    const frames = s.frames.filter((f) => f.conn === conn);
    const sock = new ReplaySocket(frames, `${s.name}/${conn}`);
    const c = await UbusConnection.open(sock, FINISH_MS);
    try {
      for (const [k, f] of frames.entries()) {
        if (f.dir !== 'client->ubusd') continue;
        const sent = decodeMessage(unhex(f.hex));
        const res = await c.request(sent.type, sent.peer, sent.attrs, { timeoutMs: FINISH_MS });
        // The statuses and DATA the capture shows right after this request, in order.
        const expected: UbusMessage[] = [];
        for (const g of frames.slice(k + 1)) {
          if (g.dir === 'client->ubusd') break;
          expected.push(decodeMessage(unhex(g.hex)));
        }
        t.deepEqual(res.replies, expected, `replies to frame ${f.index}`);
        t.is<number | undefined, number | undefined>(res.status, getU32(expected.find((m) => m.type === MessageType.STATUS)!, Attr.STATUS));
      }
      await replayFinished(sock, FINISH_MS);
    } finally {
      c.close();
    }
  });
}

for (const s of loadSessions()) {
  for (const cmd of s.commands) {
    if (cmd.argv[0] === 'ubus') clientReplay(s, cmd);
    else if (cmd.conn === 'server') serverReplay(s, cmd);
    else rawReplay(s, cmd.conn);
  }
}
