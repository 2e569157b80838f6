// A ubusd-compatible broker on a unix socket, for tests (ours and the daemon's) and for hosts
// without OpenWrt's ubusd. broker-core.ts holds the protocol; this file owns sockets.
// Invariants: the socket is created fresh (a stale one is unlinked) with mode 0666 like ubusd;
// a client whose stream breaks framing (container < 4 bytes, > 1 MiB) is disconnected; at most
// UBUS_MAX_MSGLEN bytes are queued to a slow reader, further messages to it are dropped (ubusd
// does the same); stop() closes every client and removes the socket file.
import { chmod, unlink } from 'node:fs/promises';
import { type Server, type Socket, createServer } from 'node:net';
import debug from '../log.js';
import { BrokerCore, type BrokerCoreOptions } from './broker-core.js';
import { FrameReader } from './framing.js';
import { UBUS_MAX_MSGLEN, decodeMessage } from './message.js';
import { describeMessage } from './message-describe.js';

const log = debug('paradrop:ubus:broker');

export interface BrokerOptions extends BrokerCoreOptions {
  socketPath: string;
}

export class UbusBroker {
  private readonly sockets = new Set<Socket>();

  private constructor(readonly socketPath: string, private readonly server: Server, readonly core: BrokerCore) {}

  static async start(options: BrokerOptions): Promise<UbusBroker> {
    await unlink(options.socketPath).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    const core = new BrokerCore(options);
    const server = createServer();
    const broker = new UbusBroker(options.socketPath, server, core);
    server.on('connection', (s) => broker.accept(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    await chmod(options.socketPath, 0o666);
    log('listening on %s', options.socketPath);
    return broker;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const reader = new FrameReader();
    const write = (bytes: Buffer): void => {
      if (socket.destroyed) return;
      if (socket.writableLength > UBUS_MAX_MSGLEN) {
        log('client %s reads too slowly: message dropped', id.toString(16));
        return;
      }
      if (log.enabled) log('--> %s: %s', id.toString(16), describeMessage(decodeMessage(bytes)));
      socket.write(bytes);
    };
    const id = this.core.addClient(write);
    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = reader.push(chunk);
      } catch (err) {
        log('client %s: %s; disconnecting', id.toString(16), (err as Error).message);
        socket.destroy();
        return;
      }
      for (const f of frames) {
        if (log.enabled) log('<-- %s: %s', id.toString(16), describeMessage(decodeMessage(f)));
        this.core.receive(id, f);
      }
    });
    socket.on('error', (err) => log('client %s: %s', id.toString(16), err.message));
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.core.removeClient(id);
    });
  }

  /** Closes the listening socket and every client (as a ubusd exit would), removes the file. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
    await unlink(this.socketPath).catch(() => undefined);
  }
}
