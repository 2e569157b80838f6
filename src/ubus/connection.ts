// One live connection to ubusd: waits for HELLO (learns our client id), numbers requests, matches
// DATA/STATUS replies to them by (seq, peer) as libubus does, and hands every other message
// (INVOKE, NOTIFY, UNSUBSCRIBE) to its owner.
// Invariants: every request ends exactly once: with its completing reply, with TIMEOUT after its
// own bound, or with CONNECTION_FAILED when the connection goes; a reply that matches no pending
// request is dropped; seq is a u16 counter starting at 1 that skips numbers still pending; a
// broken frame closes the connection (ubusd does the same to a client).
import { EventEmitter } from 'node:events';
import { type Duplex } from 'node:stream';
import debug from '../log.js';
import { FrameReader } from './framing.js';
import { Attr, type UbusAttr, type UbusMessage, MessageType, buildMessage, decodeMessage, encodeMessage, getU32 } from './message.js';
import { describeMessage } from './message-describe.js';
import { UbusError, UbusStatus } from './status.js';

const log = debug('paradrop:ubus:connection');

export interface PendingRequest {
  readonly seq: number;
  /** Peers whose DATA/STATUS with this seq belong to the request (grows for NOTIFY). */
  readonly peers: Set<number>;
}

export interface RequestOptions {
  timeoutMs: number;
  /**
   * Called synchronously for every matching reply; returns true when the request is complete.
   * Default: STATUS completes it.
   */
  onReply?: (reply: UbusMessage, pending: PendingRequest) => boolean;
}

export interface RequestResult {
  /** The STATUS value of the first STATUS reply (UNKNOWN_ERROR when it carried none). */
  status: number;
  /** Every matching reply in arrival order, DATA and STATUS. */
  replies: UbusMessage[];
}

interface Pending extends PendingRequest {
  replies: UbusMessage[];
  status: number | undefined;
  onReply: (reply: UbusMessage, pending: PendingRequest) => boolean;
  resolve: (r: RequestResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const completeOnStatus = (reply: UbusMessage): boolean => reply.type === MessageType.STATUS;

export interface ConnectionEvents {
  message: [UbusMessage];
  close: [Error | undefined];
}

export class UbusConnection extends EventEmitter<ConnectionEvents> {
  private readonly reader = new FrameReader();
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private closed = false;

  private _clientId = 0;
  private onHello: ((err: Error | undefined) => void) | undefined;

  private constructor(private readonly socket: Duplex) {
    super();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: Error) => this.shutdown(new UbusError(UbusStatus.CONNECTION_FAILED, `ubus connection failed: ${err.message}`, { cause: err })));
    socket.on('close', () => this.shutdown(undefined));
  }

  /** Our client id, from ubusd's HELLO. */
  get clientId(): number {
    return this._clientId;
  }

  /** Waits (at most timeoutMs) for ubusd's HELLO on an already connected stream. */
  static open(socket: Duplex, timeoutMs: number): Promise<UbusConnection> {
    const conn = new UbusConnection(socket);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => conn.shutdown(new UbusError(UbusStatus.TIMEOUT, `no HELLO from ubusd within ${timeoutMs} ms`)), timeoutMs);
      conn.onHello = (err) => {
        clearTimeout(timer);
        conn.onHello = undefined;
        if (err === undefined) resolve(conn);
        else reject(err);
      };
    });
  }

  /** The first message must be HELLO v0 with a non-zero id (libubus checks the same). */
  private acceptHello(msg: UbusMessage): void {
    if (msg.version !== 0 || msg.type !== MessageType.HELLO || msg.peer === 0) {
      this.shutdown(new UbusError(UbusStatus.CONNECTION_FAILED, `ubusd's first message is not a HELLO: ${describeMessage(msg)}`));
      return;
    }
    this._clientId = msg.peer;
    this.onHello?.(undefined);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.shutdown(err as Error);
      return;
    }
    for (const f of frames) this.dispatch(f);
  }

  private dispatch(frame: Buffer): void {
    if (this.closed) return;
    let msg: UbusMessage;
    try {
      msg = decodeMessage(frame);
    } catch (err) {
      this.shutdown(err as Error);
      return;
    }
    if (log.enabled) log('<-- %s', describeMessage(msg));
    if (this._clientId === 0) {
      this.acceptHello(msg);
      return;
    }
    if (msg.version !== 0) return; // libubus ignores other versions
    if (msg.type === MessageType.STATUS || msg.type === MessageType.DATA) {
      const p = this.pending.get(msg.seq);
      if (p === undefined || !p.peers.has(msg.peer)) {
        log('reply seq=%d peer=%s matches no pending request: dropped', msg.seq, msg.peer.toString(16));
        return;
      }
      p.replies.push(msg);
      if (msg.type === MessageType.STATUS && p.status === undefined) p.status = getU32(msg, Attr.STATUS) ?? UbusStatus.UNKNOWN_ERROR;
      let done: boolean;
      try {
        done = p.onReply(msg, p);
      } catch (err) {
        this.finish(p);
        p.reject(err as Error);
        return;
      }
      if (done) {
        this.finish(p);
        p.resolve({ status: p.status ?? UbusStatus.UNKNOWN_ERROR, replies: p.replies });
      }
      return;
    }
    this.emit('message', msg);
  }

  private finish(p: Pending): void {
    clearTimeout(p.timer);
    if (this.pending.get(p.seq) === p) this.pending.delete(p.seq);
  }

  private allocateSeq(): number {
    for (let i = 0; i < 0x10000; i++) {
      this.seq = (this.seq + 1) & 0xffff;
      if (!this.pending.has(this.seq)) return this.seq;
    }
    throw new UbusError(UbusStatus.NO_MEMORY, 'all 65536 ubus sequence numbers are in use');
  }

  /** Writes one message as is (replies to INVOKEs, raw traffic in tests). */
  send(msg: UbusMessage): void {
    if (this.closed) throw new UbusError(UbusStatus.CONNECTION_FAILED, 'the ubus connection is closed');
    const bytes = encodeMessage(msg);
    if (log.enabled) log('--> %s', describeMessage(msg));
    this.socket.write(bytes);
  }

  /** Sends a request with the next seq that expects no answer (NOTIFY with NO_REPLY). */
  post(type: number, peer: number, attrs: UbusAttr[]): number {
    const seq = this.allocateSeq();
    this.send(buildMessage(type, seq, peer, attrs));
    return seq;
  }

  /** Sends a request with the next seq and waits for its replies (bounded by timeoutMs). */
  request(type: number, peer: number, attrs: UbusAttr[], options: RequestOptions): Promise<RequestResult> {
    if (this.closed) return Promise.reject(new UbusError(UbusStatus.CONNECTION_FAILED, 'the ubus connection is closed'));
    const seq = this.allocateSeq();
    const msg = buildMessage(type, seq, peer, attrs);
    return new Promise<RequestResult>((resolve, reject) => {
      const p: Pending = {
        seq, peers: new Set([peer]), replies: [], status: undefined,
        onReply: options.onReply ?? completeOnStatus, resolve, reject,
        timer: setTimeout(() => {
          this.finish(p);
          reject(new UbusError(UbusStatus.TIMEOUT, `ubus request seq ${seq} got no final answer within ${options.timeoutMs} ms`, { value: options.timeoutMs }));
        }, options.timeoutMs),
      };
      this.pending.set(seq, p);
      try {
        this.send(msg);
      } catch (err) {
        this.finish(p);
        reject(err as Error);
      }
    });
  }

  close(): void {
    this.shutdown(undefined);
    this.socket.destroy();
  }

  private shutdown(err: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    log('connection %s closed%s', this.clientId.toString(16), err ? `: ${err.message}` : '');
    for (const p of [...this.pending.values()]) {
      this.finish(p);
      p.reject(new UbusError(UbusStatus.CONNECTION_FAILED, 'the ubus connection was lost before the answer came', { cause: err }));
    }
    this.socket.destroy();
    if (this.onHello !== undefined) {
      const cb = this.onHello;
      cb(err ?? new UbusError(UbusStatus.CONNECTION_FAILED, 'ubusd closed the connection before its HELLO'));
    }
    this.emit('close', err);
  }
}
