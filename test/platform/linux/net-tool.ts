// Test helper program (run as `ip netns exec NS node net-tool.js ...` inside namespaces a test
// created): tiny TCP/UDP servers and clients for real-packet tests, with every wait bounded.
//   serve PORT...           tcp+udp servers; tcp: replies {peer} (or sinks/sources data), udp: {peer}
//   tcp HOST PORT           connect, print {ok, reply} or {ok:false, code}
//   udp HOST PORT           send one datagram, print {ok, reply} or {ok:false, code}
//   upload HOST PORT BYTES  send BYTES; the server measures first→last byte: prints {bytes, ms}
//   download HOST PORT BYTES  the server sends BYTES; measured here, first→last byte
import { createServer, connect, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';

const [cmd, ...args] = process.argv.slice(2);
const TIMEOUT_MS = Number(process.env.NET_TOOL_TIMEOUT_MS ?? 3000);
const NAME = process.env.NET_TOOL_NAME ?? '';
const print = (x: unknown) => process.stdout.write(`${JSON.stringify(x)}\n`);

function serve(ports: number[]): void {
  let ready = 0;
  const done = () => { if (++ready === ports.length * 2) process.stdout.write('ready\n'); };
  for (const port of ports) {
    createServer((s: Socket) => {
      let head = '';
      let bytes = 0;
      let first = 0;
      let last = 0;
      let mode: 'hello' | 'sink' | undefined;
      s.on('data', (d: Buffer) => {
        if (mode === 'sink') {
          if (!first) first = performance.now();
          bytes += d.length;
          last = performance.now();
          return;
        }
        head += d.toString('latin1');
        const nl = head.indexOf('\n');
        if (nl < 0) return;
        const line = head.slice(0, nl);
        if (line === 'SINK') {
          mode = 'sink';
          const rest = head.length - nl - 1;
          if (rest > 0) { first = performance.now(); last = first; bytes += rest; }
        } else if (line.startsWith('SEND ')) {
          const n = Number(line.slice(5));
          const chunk = Buffer.alloc(65536, 120);
          let sent = 0;
          const pump = () => {
            while (sent < n) {
              const c = chunk.subarray(0, Math.min(chunk.length, n - sent));
              sent += c.length;
              if (!s.write(c)) { s.once('drain', pump); return; }
            }
            s.end();
          };
          pump();
        } else {
          s.end(`${JSON.stringify({ peer: s.remoteAddress, port, name: NAME })}\n`);
        }
      });
      s.on('end', () => { if (mode === 'sink') s.end(`${JSON.stringify({ bytes, ms: last - first })}\n`); });
      s.on('error', () => s.destroy());
    }).listen(port, '0.0.0.0', done);
    const u = createSocket('udp4');
    u.on('message', (_m, rinfo) => u.send(`${JSON.stringify({ peer: rinfo.address, port, name: NAME })}\n`, rinfo.port, rinfo.address));
    u.bind(port, '0.0.0.0', done);
  }
  // Bounded: a forgotten server ends by itself.
  setTimeout(() => process.exit(0), Number(process.env.NET_TOOL_SERVE_MS ?? 300_000)).unref();
}

function tcp(host: string, port: number, send: string, onDone?: (data: Buffer) => unknown): void {
  const s = connect({ host, port });
  const chunks: Buffer[] = [];
  const timer = setTimeout(() => { print({ ok: false, code: 'TIMEOUT' }); process.exit(0); }, TIMEOUT_MS);
  s.on('connect', () => s.write(send));
  s.on('data', (d: Buffer) => chunks.push(d));
  s.on('end', () => {
    clearTimeout(timer);
    const data = Buffer.concat(chunks);
    print(onDone ? onDone(data) : { ok: true, reply: JSON.parse(data.toString() || 'null') });
    process.exit(0);
  });
  s.on('error', (e: NodeJS.ErrnoException) => { clearTimeout(timer); print({ ok: false, code: e.code }); process.exit(0); });
}

function udp(host: string, port: number): void {
  const u = createSocket('udp4');
  const timer = setTimeout(() => { print({ ok: false, code: 'TIMEOUT' }); process.exit(0); }, TIMEOUT_MS);
  u.on('message', (m) => { clearTimeout(timer); print({ ok: true, reply: JSON.parse(m.toString()) }); process.exit(0); });
  u.on('error', (e: NodeJS.ErrnoException) => { clearTimeout(timer); print({ ok: false, code: e.code }); process.exit(0); });
  u.connect(port, host, () => u.send('HELLO\n'));
}

function upload(host: string, port: number, n: number): void {
  const s = connect({ host, port });
  const timer = setTimeout(() => { print({ ok: false, code: 'TIMEOUT' }); process.exit(0); }, TIMEOUT_MS);
  const chunks: Buffer[] = [];
  s.on('connect', () => {
    s.write('SINK\n');
    const chunk = Buffer.alloc(65536, 121);
    let sent = 0;
    const pump = () => {
      while (sent < n) {
        const c = chunk.subarray(0, Math.min(chunk.length, n - sent));
        sent += c.length;
        if (!s.write(c)) { s.once('drain', pump); return; }
      }
      s.end();
    };
    pump();
  });
  s.on('data', (d: Buffer) => chunks.push(d));
  s.on('end', () => { clearTimeout(timer); print({ ok: true, ...JSON.parse(Buffer.concat(chunks).toString()) }); process.exit(0); });
  s.on('error', (e: NodeJS.ErrnoException) => { clearTimeout(timer); print({ ok: false, code: e.code }); process.exit(0); });
}

function download(host: string, port: number, n: number): void {
  let bytes = 0;
  let first = 0;
  let last = 0;
  const s = connect({ host, port });
  const timer = setTimeout(() => { print({ ok: false, code: 'TIMEOUT' }); process.exit(0); }, TIMEOUT_MS);
  s.on('connect', () => s.write(`SEND ${n}\n`));
  s.on('data', (d: Buffer) => { if (!first) first = performance.now(); bytes += d.length; last = performance.now(); });
  s.on('end', () => { clearTimeout(timer); print({ ok: true, bytes, ms: last - first }); process.exit(0); });
  s.on('error', (e: NodeJS.ErrnoException) => { clearTimeout(timer); print({ ok: false, code: e.code }); process.exit(0); });
}

switch (cmd) {
  case 'serve': serve(args.map(Number)); break;
  case 'tcp': tcp(args[0]!, Number(args[1]), 'HELLO\n'); break;
  case 'udp': udp(args[0]!, Number(args[1])); break;
  case 'upload': upload(args[0]!, Number(args[1]), Number(args[2])); break;
  case 'download': download(args[0]!, Number(args[1]), Number(args[2])); break;
  default: process.stderr.write(`net-tool: unknown command ${cmd}\n`); process.exit(2);
}
