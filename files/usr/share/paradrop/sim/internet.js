// "The Internet" of the simulated home: a web server on the upstream host (203.0.113.1, TEST-NET-3)
// that the gateway's wan faces. It tells each client the address it sees, which is how tests see
// the gateway's masquerade (a LAN or chute request arrives from the gateway's wan address).
//   GET /        a short text
//   GET /whoami  {"remoteAddress": "...", "remotePort": N}
// Usage: node internet.js [--listen 203.0.113.1] [--port 80]
// Invariants: plain CommonJS, no dependencies, Node 18; it only listens.
'use strict';
const http = require('node:http');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const listen = option('listen', '203.0.113.1');
const port = Number(option('port', '80'));
let requests = 0;

const server = http.createServer((req, res) => {
  requests++;
  const url = new URL(req.url ?? '/', 'http://internet');
  const remote = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  console.log(`internet: ${remote} ${req.method} ${url.pathname}`);
  if (url.pathname === '/whoami') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(`${JSON.stringify({ remoteAddress: remote, remotePort: req.socket.remotePort, requests })}\n`);
  }
  if (url.pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    return res.end('paradrop simulated internet: hello\n');
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found\n');
});

server.listen(port, listen, () => console.log(`internet: listening on ${listen} port ${server.address().port}`));
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
