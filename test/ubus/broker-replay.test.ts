// Our broker against the captured sessions: every participant's recorded client->ubusd frames are
// written to OUR broker over real unix sockets (in capture order), and everything the broker
// sends each connection must equal the recorded ubusd->client frames byte for byte, once the
// random ids (clients, objects, types) are mapped between the capture and this run.
// acl_nonroot is not replayed: the broker implements no ACLs (and can't read peer credentials).
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BlobmsgField } from '../../src/ubus/blobmsg.js';
import { UbusBroker } from '../../src/ubus/broker.js';
import { FrameReader } from '../../src/ubus/framing.js';
import { type UbusAttr, type UbusMessage, decodeMessage, encodeMessage } from '../../src/ubus/message.js';
import { describeMessage } from '../../src/ubus/message-describe.js';
import { type Session, loadSessions, unhex } from './vectors.js';

const WAIT_MS = 3_000;
const NOT_REPLAYED = new Set(['acl_nonroot']);
/** Participants that exit in the capture before a given frame (their exit causes that frame). */
const EXITS: Record<string, Record<number, string>> = {
  server_register: { 29: 'server' },
  subscribe_notify: { 32: 'subscriber' },
};
const ID_ATTRS = new Set([3, 5, 8]); // OBJID, OBJTYPE, TARGET
const ID_MEMBERS = new Set(['id', 'object']); // ids inside event payloads and register calls

/** Recorded id <-> our id, learnt as frames are compared. */
class IdMap {
  readonly toOurs = new Map<number, number>();
  readonly toRecorded = new Map<number, number>();

  learn(recorded: number, ours: number, where: string): void {
    recorded >>>= 0;
    ours >>>= 0;
    if (recorded < 1024 || ours < 1024) return;
    const a = this.toOurs.get(recorded);
    const b = this.toRecorded.get(ours);
    if ((a !== undefined && a !== ours) || (b !== undefined && b !== recorded)) {
      throw new Error(`${where}: id ${recorded.toString(16)} in the capture would be ${ours.toString(16)} here, but was mapped before`);
    }
    this.toOurs.set(recorded, ours);
    this.toRecorded.set(ours, recorded);
  }
}

function walkFields(a: BlobmsgField[], b: BlobmsgField[], visit: (x: number, y: number) => void): void {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!.value;
    const y = b[i]!.value;
    if (x.type === 'int32' && y.type === 'int32' && ID_MEMBERS.has(a[i]!.name)) visit(x.value, y.value);
    if ((x.type === 'table' || x.type === 'array') && (y.type === 'table' || y.type === 'array')) walkFields(x.children, y.children, visit);
  }
}

/** Calls visit(recordedValue, ourValue) for every id position of two same-shaped messages. */
function pairIds(recorded: UbusMessage, ours: UbusMessage, visit: (r: number, o: number) => void): void {
  visit(recorded.peer, ours.peer);
  recorded.attrs.forEach((ra, i) => {
    const oa = ours.attrs[i];
    if (oa === undefined || oa.kind !== ra.kind) return;
    if (ra.kind === 'u32' && ID_ATTRS.has(ra.id)) visit(ra.value, oa.value as number);
    if (ra.kind === 'ids') ra.value.forEach((v, k) => visit(v, (oa.value as number[])[k] ?? 0));
    if (ra.kind === 'blobmsg') walkFields(ra.value, oa.value as BlobmsgField[], visit);
  });
}

function translate(msg: UbusMessage, map: Map<number, number>): UbusMessage {
  const t = (v: number): number => map.get(v >>> 0) ?? v;
  const fields = (fs: BlobmsgField[]): BlobmsgField[] => fs.map((f): BlobmsgField => {
    const v = f.value;
    if (v.type === 'int32' && ID_MEMBERS.has(f.name)) return { name: f.name, value: { type: 'int32', value: t(v.value) } };
    if (v.type === 'table' || v.type === 'array') return { name: f.name, value: { type: v.type, children: fields(v.children) } };
    return f;
  });
  const attrs = msg.attrs.map((a): UbusAttr => {
    if (a.kind === 'u32' && ID_ATTRS.has(a.id)) return { ...a, value: t(a.value) };
    if (a.kind === 'ids') return { ...a, value: a.value.map(t) };
    if (a.kind === 'blobmsg') return { ...a, value: fields(a.value) };
    return a;
  });
  return { ...msg, peer: t(msg.peer), attrs };
}

/** One participant's socket with a queue of received messages. */
class Peer {
  private readonly reader = new FrameReader();
  private readonly queue: Buffer[] = [];
  private wake: (() => void) | undefined;

  constructor(readonly name: string, readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.queue.push(...this.reader.push(chunk));
      this.wake?.();
    });
  }

  async next(what: string): Promise<Buffer> {
    const deadline = Date.now() + WAIT_MS;
    while (this.queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: broker sent nothing within ${WAIT_MS} ms; expected ${what}`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, left);
        this.wake = () => {
          clearTimeout(timer);
          r();
        };
      });
      this.wake = undefined;
    }
    return this.queue.shift()!;
  }

  get pending(): Buffer[] {
    return this.queue;
  }
}

async function replay(s: Session, socketPath: string): Promise<{ ids: IdMap; leftovers: string[] }> {
  const ids = new IdMap();
  const peers = new Map<string, Peer>();
  const exits = EXITS[s.name] ?? {};
  for (const f of s.frames) {
    const leaving = exits[f.index];
    if (leaving !== undefined) peers.get(leaving)?.socket.destroy();
    let peer = peers.get(f.conn);
    if (peer === undefined) {
      peer = new Peer(f.conn, createConnection({ path: socketPath }));
      peers.set(f.conn, peer);
    }
    const recorded = decodeMessage(unhex(f.hex));
    if (f.dir === 'client->ubusd') {
      peer.socket.write(encodeMessage(translate(recorded, ids.toOurs)));
      continue;
    }
    const got = await peer.next(`frame ${f.index} ${f.decoded}`);
    const ours = decodeMessage(got);
    pairIds(recorded, ours, (r, o) => ids.learn(r, o, `frame ${f.index}`));
    const back = encodeMessage(translate(ours, ids.toRecorded)).toString('hex');
    if (back !== f.hex) {
      throw new Error(`frame ${f.index} (${f.conn}): expected ${f.decoded}\n  ${f.hex}\nbroker sent ${describeMessage(ours)}\n  ${got.toString('hex')}`);
    }
  }
  await new Promise((r) => setTimeout(r, 50));
  const leftovers = [...peers.values()].flatMap((p) => p.pending.map((b) => `${p.name}: ${describeMessage(decodeMessage(b))}`));
  for (const p of peers.values()) p.socket.destroy();
  return { ids, leftovers };
}

for (const s of loadSessions()) {
  if (NOT_REPLAYED.has(s.name)) continue;
  test(`broker replays ${s.name}`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-ubus-'));
    const broker = await UbusBroker.start({ socketPath: join(dir, 'ubus.sock') });
    try {
      const { ids, leftovers } = await replay(s, broker.socketPath);
      t.deepEqual(leftovers, [], 'the broker sent nothing the capture lacks');
      for (const [conn, id] of Object.entries(s.connections)) t.true(ids.toOurs.has(parseInt(id, 16)), `client id of ${conn} mapped`);
    } finally {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
