// Test double for ubusd (it can't run here): a Duplex that plays one connection of a captured
// session. It sends the `ubusd->client` frames of that connection and checks, byte for byte, that
// what our code writes equals the `client->ubusd` frames, in capture order. Incoming frames are
// delivered in awkward pieces (a few bytes, then the rest, several messages glued together) to
// exercise framing.
import { Duplex } from 'node:stream';
import { decodeMessage } from '../../src/ubus/message.js';
import { describeMessage } from '../../src/ubus/message-describe.js';
import { type Frame, unhex } from './vectors.js';

function describeBytes(b: Buffer): string {
  try {
    return describeMessage(decodeMessage(b));
  } catch {
    return `<undecodable ${b.toString('hex')}>`;
  }
}

export class ReplaySocket extends Duplex {
  private i = 0;
  private out = Buffer.alloc(0);
  private scheduled = false;
  private failure: string | undefined;
  private resolveDone!: () => void;
  private rejectDone!: (e: Error) => void;
  /** Settles when every frame was played and matched (or at the first mismatch). */
  readonly done: Promise<void>;
  readonly extraWrites: Buffer[] = [];

  constructor(readonly frames: readonly Frame[], readonly label: string) {
    super();
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.done.catch(() => undefined);
    this.schedule();
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.i >= this.frames.length) this.extraWrites.push(Buffer.from(chunk));
    else this.out = Buffer.concat([this.out, chunk]);
    cb();
    this.schedule();
  }

  /** Where the replay stands, for a failure message. */
  status(): string {
    if (this.failure !== undefined) return this.failure;
    const f = this.frames[this.i];
    if (f === undefined) return 'complete';
    const got = this.out.length > 0 ? ` (got so far: ${describeBytes(this.out)} ${this.out.toString('hex')})` : ' (nothing written)';
    return `${this.label}: stuck at frame ${f.index} ${f.dir} ${f.decoded}${f.dir === 'client->ubusd' ? got : ''}`;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.progress();
    });
  }

  private fail(message: string): void {
    this.failure = `${this.label}: ${message}`;
    this.i = this.frames.length + 1;
    this.rejectDone(new Error(this.failure));
  }

  private progress(): void {
    while (this.i < this.frames.length) {
      const f = this.frames[this.i]!;
      if (f.dir === 'ubusd->client') {
        // Glue every consecutive incoming frame together, then cut after 5 bytes.
        const glued: Buffer[] = [];
        while (this.i < this.frames.length && this.frames[this.i]!.dir === 'ubusd->client') glued.push(unhex(this.frames[this.i++]!.hex));
        const all = Buffer.concat(glued);
        this.push(all.subarray(0, 5));
        setImmediate(() => {
          this.push(all.subarray(5));
          this.schedule();
        });
        return;
      }
      const expected = unhex(f.hex);
      if (this.out.length < expected.length) {
        // A shorter write that is already wrong needn't wait for more bytes.
        if (this.out.length >= 12 && !expected.subarray(0, this.out.length).equals(this.out)) {
          this.fail(`frame ${f.index}: expected ${f.decoded}\n  ${f.hex}\nbut our code wrote ${describeBytes(this.out)}\n  ${this.out.toString('hex')}`);
        }
        return;
      }
      const actual = this.out.subarray(0, expected.length);
      if (!actual.equals(expected)) {
        const len = this.out.length >= 12 ? 8 + (this.out.readUInt32BE(8) & 0xffffff) : this.out.length;
        const ours = this.out.subarray(0, Math.min(len, this.out.length));
        this.fail(`frame ${f.index}: expected ${f.decoded}\n  ${f.hex}\nbut our code wrote ${describeBytes(ours)}\n  ${ours.toString('hex')}`);
        return;
      }
      this.out = this.out.subarray(expected.length);
      this.i++;
    }
    if (this.i === this.frames.length) {
      if (this.out.length > 0) this.extraWrites.push(this.out);
      this.i++;
      this.resolveDone();
    }
  }
}

/** Waits for the replay to finish, at most `ms`. */
export async function replayFinished(sock: ReplaySocket, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`replay did not finish within ${ms} ms: ${sock.status()}`)), ms);
  });
  try {
    await Promise.race([sock.done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
