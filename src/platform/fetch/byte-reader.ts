// Exact-length reads over an async stream of chunks (a file or gunzip stream), for the tar reader.
// No I/O of its own. Invariant: bytes are handed out in order exactly once; `position` counts
// every byte handed out or skipped, so errors can say where in the stream they happened.

export class ByteReader {
  private readonly it: AsyncIterator<Buffer>;
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;
  position = 0;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** Exactly n bytes, or fewer only when the stream ended first. */
  async read(n: number): Promise<Buffer> {
    while (this.buf.length < n && !this.ended) {
      const next = await this.it.next();
      if (next.done) this.ended = true;
      else this.buf = this.buf.length === 0 ? next.value : Buffer.concat([this.buf, next.value]);
    }
    const out = this.buf.subarray(0, Math.min(n, this.buf.length));
    this.buf = this.buf.subarray(out.length);
    this.position += out.length;
    return out;
  }

  /** Up to n bytes as they arrive, without copying; stops early only when the stream ended. */
  async *chunks(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0) {
        if (this.ended) return;
        const next = await this.it.next();
        if (next.done) {
          this.ended = true;
          return;
        }
        this.buf = next.value;
      }
      const take = this.buf.subarray(0, Math.min(left, this.buf.length));
      this.buf = this.buf.subarray(take.length);
      this.position += take.length;
      left -= take.length;
      yield take;
    }
  }

  /** Stops the source (e.g. after the end-of-archive marker, so a gzip bomb is not inflated). */
  async close(): Promise<void> {
    this.ended = true;
    this.buf = Buffer.alloc(0);
    await this.it.return?.();
  }
}
