// SecCam chute web server (first version): serves the gallery pages unpacked from www.tar.gz and a
// small status API. Runs inside the chute as `node /root/seccam.js --port 80 --www /srv/www`.
// Motion detection is added in a later version; this one only shows what has been stored.
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(option('port', '80'));
const www = path.resolve(option('www', '/srv/www'));
const images = path.resolve(option('images', path.join(www, 'images')));
const started = Date.now();

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.jpg': 'image/jpeg', '.png': 'image/png', '.json': 'application/json' };

function listImages() {
  try {
    return fs.readdirSync(images).filter((n) => /\.(jpe?g|png)$/i.test(n)).sort().reverse();
  } catch {
    return [];
  }
}

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function serveFile(res, root, encoded) {
  let rel;
  try {
    rel = decodeURIComponent(encoded);
  } catch {
    return send(res, 400, 'text/plain', 'bad request\n');
  }
  if (rel.includes('\0')) return send(res, 400, 'text/plain', 'bad request\n');
  const file = path.resolve(root, `.${rel}`);
  // Never serve outside the web root, whatever the request path holds.
  if (file !== root && !file.startsWith(root + path.sep)) return send(res, 403, 'text/plain', 'forbidden\n');
  fs.readFile(file, (err, data) => {
    if (err) return send(res, 404, 'text/plain', 'not found\n');
    send(res, 200, TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream', data);
  });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://chute');
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
  if (url.pathname === '/api/status') {
    const body = { chute: 'seccam', uptimeSeconds: Math.round((Date.now() - started) / 1000), images: listImages().slice(0, 50) };
    return send(res, 200, 'application/json', `${JSON.stringify(body)}\n`);
  }
  if (url.pathname.startsWith('/images/')) return serveFile(res, images, url.pathname.slice('/images'.length));
  return serveFile(res, www, url.pathname === '/' ? '/index.html' : url.pathname);
});

server.listen(port, () => {
  console.log(`seccam: listening on port ${server.address().port}, serving ${www}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
