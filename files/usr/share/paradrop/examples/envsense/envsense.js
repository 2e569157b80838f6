// EnvSense chute server: the chapter's environmental-sensor service moved from a cloud server into
// a chute. Sensors on the chute's "EnvSense" Wi-Fi post readings here; they are kept on the
// gateway (the chute's own disk) and shown on a page with server-drawn SVG charts. Runs inside the
// chute as
//   node /root/envsense.js --port 80 --www /srv/www --data /var/lib/envsense/readings.jsonl
//   POST /api/readings  {"sensor": "kitchen", "temperature": 21.5, "humidity": 40, "co2": 600}
//                       (at least one quantity; the server stamps the time) -> 201 and the reading
//   GET  /api/readings[?since=ISO|ms][&sensor=NAME][&limit=N]   readings, oldest first
//   GET  /api/latest    the latest value of each quantity, per sensor
//   GET  /chart.svg?quantity=temperature|humidity|co2|pressure[&minutes=60]
//   GET  /              latest values and a chart per quantity of the last hour
//   GET  /healthz; other paths are static files from --www (style.css, chart.js)
// Storage: one JSON line per reading appended to --data; past --max-bytes (default 1 MiB) the
// file becomes <data>.1 (the older .1 goes) and a new one starts, so the disk use is bounded and
// a line, once written, is never rewritten. At start both files are read back (a torn last line
// after a power cut is skipped), so readings survive a restart and an update of the chute.
// Signals: SIGTERM/SIGINT exit; SIGURG re-reads paradrop's resource request and logs it.
// Invariants: one self-contained CommonJS file, no dependencies, Node 18; memory bounded: at most
// KEEP readings in memory, older ones are read from disk only for ?since= queries.
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const log = (msg) => console.log(`envsense: ${msg}`);
const KEEP = 5000;
const MAX_BODY = 4096;
const QUANTITIES = {
  temperature: { label: 'Temperature', unit: '°C', min: -60, max: 100, digits: 1 },
  humidity: { label: 'Humidity', unit: '%', min: 0, max: 100, digits: 0 },
  co2: { label: 'CO₂', unit: 'ppm', min: 0, max: 100000, digits: 0 },
  pressure: { label: 'Pressure', unit: 'hPa', min: 300, max: 1200, digits: 0 },
};
const COLORS = ['#c33', '#36c', '#393', '#c80', '#939', '#099'];

// ---- storage -----------------------------------------------------------------------------------

class Store {
  constructor(file, maxBytes) {
    this.file = file;
    this.maxBytes = maxBytes;
    this.recent = []; // oldest first, at most KEEP
    this.latest = new Map(); // sensor -> merged latest values
    this.total = 0;
    this.size = 0;
    let skipped = 0;
    for (const f of [`${file}.1`, file]) {
      const r = this.readFile(f, (reading) => this.remember(reading));
      skipped += r.skipped;
      if (f === file) this.size = r.bytes;
    }
    if (skipped) log(`skipped ${skipped} unreadable line(s) in ${file}`);
  }

  /** Calls `each` for every reading in `f`; returns the byte size and unreadable lines. */
  readFile(f, each) {
    let text;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch {
      return { bytes: 0, skipped: 0 };
    }
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const r = JSON.parse(line);
        if (typeof r.sensor === 'string' && typeof r.time === 'string') each(r);
        else skipped++;
      } catch {
        skipped++;
      }
    }
    return { bytes: Buffer.byteLength(text), skipped };
  }

  remember(reading) {
    this.recent.push(reading);
    if (this.recent.length > KEEP) this.recent.splice(0, this.recent.length - KEEP);
    this.latest.set(reading.sensor, { ...this.latest.get(reading.sensor), ...reading });
    this.total++;
  }

  append(reading) {
    const line = `${JSON.stringify(reading)}\n`;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    if (this.size > 0 && this.size + line.length > this.maxBytes) {
      fs.renameSync(this.file, `${this.file}.1`);
      this.size = 0;
      log(`rotated ${this.file} to ${path.basename(this.file)}.1`);
    }
    fs.appendFileSync(this.file, line);
    this.size += Buffer.byteLength(line);
    this.remember(reading);
  }

  /** Readings after `sinceMs` (oldest first), from memory, or from disk when memory starts later. */
  since(sinceMs, sensor, limit) {
    const keep = (r) => Date.parse(r.time) > sinceMs && (sensor === undefined || r.sensor === sensor);
    const inMemory = this.recent.filter(keep);
    // Memory holds all that was asked for, or at least the `limit` newest of it.
    if (inMemory.length >= limit || this.recent.length < KEEP || Date.parse(this.recent[0].time) <= sinceMs) return inMemory.slice(-limit);
    const list = [];
    for (const f of [`${this.file}.1`, this.file]) this.readFile(f, (r) => { if (keep(r)) list.push(r); });
    return list.slice(-limit);
  }
}

/** A reading as sent by a sensor, stamped now, or an error text. */
function toReading(body, now) {
  let input;
  try {
    input = JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'the body is not a JSON object';
  const sensor = typeof input.sensor === 'string' ? input.sensor : '';
  if (!/^[\w.-]{1,32}$/.test(sensor)) return `sensor: ${JSON.stringify(input.sensor)} is not a name of 1-32 letters, digits, "_", "." or "-"`;
  const reading = { sensor, time: now.toISOString() };
  for (const key of Object.keys(input)) {
    if (key === 'sensor') continue;
    const q = QUANTITIES[key];
    if (q === undefined) return `${key}: unknown quantity (expected ${Object.keys(QUANTITIES).join(', ')})`;
    const v = input[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < q.min || v > q.max) return `${key}: ${JSON.stringify(v)} is not a number from ${q.min} to ${q.max} ${q.unit}`;
    reading[key] = v;
  }
  if (Object.keys(reading).length === 2) return `no quantity given (expected one of ${Object.keys(QUANTITIES).join(', ')})`;
  return reading;
}

// ---- charts ------------------------------------------------------------------------------------

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const hhmm = (d) => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;

/** A "nice" step for about `n` ticks over `span`. */
function tickStep(span, n) {
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
}

/** An SVG line chart of `quantity` over the last `minutes`, one line per sensor. */
function chartSvg(readings, quantity, now, minutes = 60) {
  const q = QUANTITIES[quantity];
  const W = 640;
  const H = 220;
  const L = 52;
  const R = 110;
  const T = 24;
  const B = 26;
  const t1 = now.getTime();
  const t0 = t1 - minutes * 60000;
  const points = readings.filter((r) => typeof r[quantity] === 'number' && Date.parse(r.time) >= t0 && Date.parse(r.time) <= t1);
  const title = `${q.label} (${q.unit}), last ${minutes} minutes`;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">`,
    `<title>${esc(title)}</title>`, `<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="#fafafa" stroke="#ccc"/>`,
    `<text x="${L}" y="16" font-size="13" font-weight="bold">${esc(q.label)} (${esc(q.unit)})</text>`];
  const x = (t) => (L + ((t - t0) / (t1 - t0)) * (W - L - R)).toFixed(1);
  for (let m = 0; m <= minutes; m += minutes >= 60 ? 15 : 5) {
    const t = t0 + m * 60000;
    out.push(`<line x1="${x(t)}" y1="${T}" x2="${x(t)}" y2="${H - B}" stroke="#eee"/>`,
      `<text x="${x(t)}" y="${H - 8}" font-size="11" text-anchor="middle">${hhmm(new Date(t))}</text>`);
  }
  if (points.length === 0) {
    out.push(`<text x="${(L + W - R) / 2}" y="${(T + H - B) / 2}" font-size="13" text-anchor="middle" fill="#777">No readings in the last ${minutes} minutes</text>`, '</svg>');
    return out.join('\n');
  }
  const values = points.map((r) => r[quantity]);
  let v0 = Math.min(...values);
  let v1 = Math.max(...values);
  if (v1 - v0 < 1e-9) {
    v0 -= 1;
    v1 += 1;
  }
  const step = tickStep(v1 - v0, 4);
  v0 = Math.floor(v0 / step) * step;
  v1 = Math.ceil(v1 / step) * step;
  const y = (v) => (H - B - ((v - v0) / (v1 - v0)) * (H - T - B)).toFixed(1);
  for (let v = v0; v <= v1 + step / 2; v += step) {
    out.push(`<line x1="${L}" y1="${y(v)}" x2="${W - R}" y2="${y(v)}" stroke="#e4e4e4"/>`,
      `<text x="${L - 4}" y="${Number(y(v)) + 4}" font-size="11" text-anchor="end">${esc(Number(v.toFixed(2)))}</text>`);
  }
  const sensors = [...new Set(points.map((r) => r.sensor))].sort();
  sensors.forEach((sensor, i) => {
    const color = COLORS[i % COLORS.length];
    const mine = points.filter((r) => r.sensor === sensor);
    // A gap of more than 5 minutes (sensor away) breaks the line.
    let segment = [];
    const flush = () => {
      if (segment.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${segment.join(' ')}"/>`);
      segment = [];
    };
    let last = null;
    for (const r of mine) {
      const t = Date.parse(r.time);
      if (last !== null && t - last > 5 * 60000) flush();
      segment.push(`${x(t)},${y(r[quantity])}`);
      last = t;
    }
    flush();
    const end = mine[mine.length - 1];
    out.push(`<circle cx="${x(Date.parse(end.time))}" cy="${y(end[quantity])}" r="2.5" fill="${color}"/>`,
      `<text x="${W - R + 8}" y="${T + 12 + i * 15}" font-size="11" fill="${color}">${esc(sensor)} ${esc(end[quantity])}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

function page(store, now) {
  const rows = [...store.latest.values()].sort((a, b) => a.sensor.localeCompare(b.sensor)).map((r) =>
    `<tr><th scope="row">${esc(r.sensor)}</th>${Object.keys(QUANTITIES).map((k) => `<td class="${k}">${typeof r[k] === 'number' ? `${esc(r[k])} ${esc(QUANTITIES[k].unit)}` : '&ndash;'}</td>`).join('')}<td><time datetime="${esc(r.time)}">${esc(r.time.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</time></td></tr>`);
  const recent = store.since(now.getTime() - 3600000, undefined, KEEP);
  const charts = Object.keys(QUANTITIES).filter((k) => k !== 'pressure' || recent.some((r) => typeof r.pressure === 'number'))
    .map((k) => `<figure>${chartSvg(recent, k, now)}</figure>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>EnvSense</title><link rel="stylesheet" href="/style.css"><script src="/chart.js" defer></script></head>
<body><h1>EnvSense</h1>
<p>Readings of the sensors on the <code>EnvSense</code> network, kept on this gateway: ${store.total} stored.</p>
<h2>Latest</h2>
${rows.length ? `<table class="latest"><thead><tr><th>sensor</th>${Object.values(QUANTITIES).map((q) => `<th>${esc(q.label)}</th>`).join('')}<th>time</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>` : '<p class="empty">No readings yet.</p>'}
<h2>Last hour</h2>
${charts.join('\n')}
</body></html>
`;
}

// ---- web ---------------------------------------------------------------------------------------

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.json': 'application/json' };

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}
const sendJson = (res, status, body) => send(res, status, 'application/json', `${JSON.stringify(body)}\n`);

function serveFile(res, www, pathname, head) {
  let rel;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return send(res, 400, 'text/plain', 'bad request\n');
  }
  const file = path.resolve(www, `.${rel}`);
  // Never serve outside the web root, whatever the request path holds.
  if (rel.includes('\0') || !file.startsWith(www + path.sep)) return send(res, 403, 'text/plain', 'forbidden\n');
  fs.readFile(file, (err, data) => {
    if (err) return send(res, 404, 'text/plain', 'not found\n');
    send(res, 200, TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream', head ? '' : data);
  });
}

function parseSince(text) {
  if (text === null || text === '') return -Infinity;
  const n = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isNaN(n) ? undefined : n;
}

function createServer(store, www) {
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://chute');
    const p = url.pathname;
    if (p === '/api/readings' && req.method === 'POST') {
      let body = '';
      let tooLarge = false;
      req.setEncoding('utf8');
      req.on('data', (chunk) => {
        body += chunk;
        if (body.length > MAX_BODY && !tooLarge) {
          tooLarge = true;
          sendJson(res, 413, { error: `the body is over ${MAX_BODY} bytes` });
          req.destroy();
        }
      });
      req.on('end', () => {
        if (tooLarge) return;
        const reading = toReading(body, new Date());
        if (typeof reading === 'string') return sendJson(res, 400, { error: reading });
        try {
          store.append(reading);
        } catch (err) {
          log(`cannot store a reading: ${err.message}`);
          return sendJson(res, 507, { error: `cannot store the reading: ${err.code ?? err.message}` });
        }
        sendJson(res, 201, reading);
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
    const now = new Date();
    if (p === '/') return send(res, 200, 'text/html; charset=utf-8', page(store, now));
    if (p === '/healthz') return send(res, 200, 'text/plain', 'ok\n');
    if (p === '/api/latest') return sendJson(res, 200, Object.fromEntries(store.latest));
    if (p === '/api/readings') {
      const since = parseSince(url.searchParams.get('since'));
      if (since === undefined) return sendJson(res, 400, { error: `since: ${JSON.stringify(url.searchParams.get('since'))} is not an ISO time or milliseconds since 1970` });
      const limit = Math.min(100000, Math.max(1, Number(url.searchParams.get('limit')) || 1000));
      return sendJson(res, 200, store.since(since, url.searchParams.get('sensor') ?? undefined, limit));
    }
    if (p === '/chart.svg') {
      const quantity = url.searchParams.get('quantity') ?? 'temperature';
      const minutes = Number(url.searchParams.get('minutes') ?? 60);
      if (!QUANTITIES[quantity]) return send(res, 400, 'text/plain', `quantity must be one of ${Object.keys(QUANTITIES).join(', ')}\n`);
      if (!(Number.isInteger(minutes) && minutes >= 5 && minutes <= 1440)) return send(res, 400, 'text/plain', 'minutes must be an integer from 5 to 1440\n');
      const svg = chartSvg(store.since(now.getTime() - minutes * 60000, undefined, 100000), quantity, now, minutes);
      return send(res, 200, 'image/svg+xml', `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`);
    }
    return serveFile(res, www, p, req.method === 'HEAD');
  });
}

// ---- main --------------------------------------------------------------------------------------

function readResources(file) {
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    log(`resource request: cpu ${r.cpuShares} shares, memory ${Math.round(r.memoryBytes / 1048576)} MiB, deadline ${r.deadline}`);
    return r;
  } catch (err) {
    if (err.code !== 'ENOENT') log(`${file}: ${err.message}`);
    return null;
  }
}

function main() {
  const port = Number(option('port', '80'));
  const www = path.resolve(option('www', '/srv/www'));
  const dataFile = path.resolve(option('data', '/var/lib/envsense/readings.jsonl'));
  const maxBytes = Number(option('max-bytes', String(1024 * 1024)));
  const resourcesFile = option('resources', '/.paradrop/run/resources.json');
  const store = new Store(dataFile, maxBytes);
  readResources(resourcesFile);
  const server = createServer(store, www);
  server.listen(port, () => {
    log(`listening on port ${server.address().port}, serving ${www}, data in ${dataFile} (${store.total} readings)`);
  });
  process.on('SIGURG', () => readResources(resourcesFile));
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 1000).unref();
    });
  }
}

if (require.main === module) main();

module.exports = { chartSvg, toReading, Store };
