// EnvSense chute server (first version): environmental sensors on the chute's "EnvSense" Wi-Fi post
// readings here; the page from www.tar.gz charts them. Data stays on the gateway (a JSON-lines
// file), as the chapter's migration from a cloud server intends. Runs inside the chute as
// `node /root/envsense.js --port 80 --www /srv/www --data /var/lib/envsense/readings.jsonl`.
//   POST /api/readings  {"sensor": "kitchen", "temperature": 21.5, "humidity": 40}
//   GET  /api/readings  the latest readings, oldest first
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
const dataFile = option('data', '/var/lib/envsense/readings.jsonl');
const KEEP = 1000;
const MAX_BODY = 4096;
const readings = [];

function remember(reading) {
  readings.push(reading);
  if (readings.length > KEEP) readings.splice(0, readings.length - KEEP);
}

function loadReadings() {
  try {
    for (const line of fs.readFileSync(dataFile, 'utf8').split('\n')) {
      if (line.trim() !== '') remember(JSON.parse(line));
    }
  } catch {
    // No file yet, or a torn last line after a power cut: start with what was read.
  }
}

function store(reading) {
  remember(reading);
  try {
    fs.mkdirSync(path.dirname(dataFile), { recursive: true });
    fs.appendFileSync(dataFile, `${JSON.stringify(reading)}\n`);
  } catch (err) {
    console.error(`envsense: cannot store reading: ${err.message}`);
  }
}

/** A reading as sent by a sensor, or a reason why it is not one. */
function toReading(body) {
  let input;
  try {
    input = JSON.parse(body);
  } catch {
    return 'body is not JSON';
  }
  if (typeof input !== 'object' || input === null) return 'body is not a JSON object';
  const sensor = typeof input.sensor === 'string' ? input.sensor.slice(0, 32) : '';
  if (!/^[\w.-]+$/.test(sensor)) return 'sensor must be a name of letters, digits, "_", "." or "-"';
  const reading = { sensor, time: new Date().toISOString() };
  for (const key of ['temperature', 'humidity', 'pressure']) {
    if (input[key] === undefined) continue;
    if (typeof input[key] !== 'number' || !Number.isFinite(input[key])) return `${key} must be a number`;
    reading[key] = input[key];
  }
  return reading;
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml' };

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function serveFile(res, pathname) {
  let rel;
  try {
    rel = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  } catch {
    return send(res, 400, 'text/plain', 'bad request\n');
  }
  const file = path.resolve(www, `.${rel}`);
  // Never serve outside the web root, whatever the request path holds.
  if (rel.includes('\0') || !file.startsWith(www + path.sep)) return send(res, 403, 'text/plain', 'forbidden\n');
  fs.readFile(file, (err, data) => {
    if (err) return send(res, 404, 'text/plain', 'not found\n');
    send(res, 200, TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream', data);
  });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://chute');
  if (url.pathname === '/api/readings' && req.method === 'POST') {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > MAX_BODY) req.destroy();
    });
    req.on('end', () => {
      const reading = toReading(body);
      if (typeof reading === 'string') return send(res, 400, 'application/json', `${JSON.stringify({ error: reading })}\n`);
      store(reading);
      send(res, 201, 'application/json', `${JSON.stringify(reading)}\n`);
    });
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
  if (url.pathname === '/api/readings') return send(res, 200, 'application/json', `${JSON.stringify(readings)}\n`);
  return serveFile(res, url.pathname);
});

loadReadings();
server.listen(port, () => {
  console.log(`envsense: listening on port ${server.address().port}, serving ${www}, data in ${dataFile}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
