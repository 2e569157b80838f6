// Cuts a ubus byte stream into whole messages. A read may hold several messages or a fraction of
// one; the length comes from the container header at offset 8 (total = 8 + its 24-bit length).
// Invariants: bytes are consumed in order and never reordered; a container shorter than its own
// header or whose padded length exceeds UBUS_MAX_MSGLEN poisons the stream (ubusd drops such a
// client), so push() throws and the caller must close the connection.
import { HEADER_LEN, UBUS_MAX_MSGLEN } from './message.js';
import { UbusProtocolError } from './status.js';

const PREFIX = HEADER_LEN + 4;

export class FrameReader {
  private pending: Buffer[] = [];
  private pendingLen = 0;

  /** Adds bytes; returns every message completed by them (each a standalone Buffer). */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length > 0) {
      this.pending.push(chunk);
      this.pendingLen += chunk.length;
    }
    const out: Buffer[] = [];
    while (this.pendingLen >= PREFIX) {
      const buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingLen);
      this.pending = [buf];
      const containerLen = buf.readUInt32BE(HEADER_LEN) & 0x00ffffff;
      if (containerLen < 4) {
        throw new UbusProtocolError(`ubus frame with container length ${containerLen}, below the 4-byte minimum`, { value: containerLen });
      }
      if (((containerLen + 3) & ~3) > UBUS_MAX_MSGLEN) {
        throw new UbusProtocolError(`ubus frame of ${containerLen} bytes exceeds the ${UBUS_MAX_MSGLEN}-byte limit`, {
          value: containerLen, expected: `at most ${UBUS_MAX_MSGLEN} bytes`,
        });
      }
      const total = HEADER_LEN + containerLen;
      if (buf.length < total) break;
      out.push(Buffer.from(buf.subarray(0, total)));
      const rest = buf.subarray(total);
      this.pending = rest.length > 0 ? [rest] : [];
      this.pendingLen = rest.length;
    }
    return out;
  }

  /** Bytes held back waiting for the rest of a message. */
  get buffered(): number {
    return this.pendingLen;
  }
}
