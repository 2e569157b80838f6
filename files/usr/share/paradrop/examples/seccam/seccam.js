// SecCam, the chapter's walk-through chute: a motion detector and gallery for the Wi-Fi camera on
// the chute's own SSID. Runs inside the chute as `node /root/seccam.js --port 80 --www /srv/www`.
//
// - Camera: `--camera URL` or the `camera` setting, else found in the chute's dnsmasq lease files
//   (`--leases`, default /tmp/dnsmasq-*.leases, the @net.runtime.dhcpserver's): a leased address,
//   on the subnet of an interface that the running dnsmasq writing that file serves, which
//   answers GET /image/jpeg.cgi with a JPEG; host names that look like a camera are tried first.
// - Detection: poll the camera `pollsPerSecond` times a second, decode the JPEG's luma (the small
//   baseline decoder below), halve it (2x2 means), and compare with the previous frame: a pixel
//   changed when it moved by more than `pixelDelta`; motion when at least `thresholdPercent` of
//   the pixels changed, inside the time-of-day window [windowStart, windowEnd) (local time; equal
//   ends = all day; it wraps past midnight), and `minEventSeconds` after the last stored event.
// - Storage: the JPEG as received, in <data-dir>/motion/YYYYMMDD-HHMMSS-mmm.jpg (UTC), at most
//   `maxEvents` files and `maxMegabytes`, oldest deleted first. Settings in
//   <data-dir>/settings.json (written atomically), editable on the page or by POST /api/settings.
// - Web: GET / (gallery, newest first, and the settings form), /motion/NAME, /latest.jpg,
//   /api/events, /api/settings (GET, POST JSON), /api/status, /healthz; other paths are static
//   files from --www (style.css, gallery.js from www.tar.gz).
// - Signals: SIGTERM/SIGINT exit; SIGURG re-reads paradrop's resource request
//   (/.paradrop/run/resources.json, --resources) and logs it.
// Options: --port 80 --www /srv/www --data-dir /srv/seccam --camera URL --leases PATTERN
//          --resources FILE --now ISO-TIME (the clock starts there: tests of the time window).
// Invariants: one self-contained CommonJS file (the chute gets only this file and www.tar.gz), no
// dependencies, Node 18; lean, for the chute's memory limit: one frame and one small luma plane
// are kept, never the gallery's images; the data directory is created only when something is
// written. It is longer than the house's 500 lines because it must be one file.
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const log = (msg) => console.log(`seccam: ${msg}`);

// ---- settings ---------------------------------------------------------------------------------

const DEFAULTS = Object.freeze({
  thresholdPercent: 1,
  pixelDelta: 24,
  windowStart: '00:00',
  windowEnd: '00:00',
  pollsPerSecond: 1,
  minEventSeconds: 2,
  maxEvents: 500,
  maxMegabytes: 64,
  camera: '',
});

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const RULES = {
  thresholdPercent: { num: true, ok: (v) => v > 0 && v <= 100, expected: 'a percentage above 0, at most 100' },
  pixelDelta: { num: true, ok: (v) => Number.isInteger(v) && v >= 1 && v <= 255, expected: 'an integer from 1 to 255' },
  windowStart: { ok: (v) => typeof v === 'string' && HHMM.test(v), expected: 'a time of day HH:MM' },
  windowEnd: { ok: (v) => typeof v === 'string' && HHMM.test(v), expected: 'a time of day HH:MM' },
  pollsPerSecond: { num: true, ok: (v) => v >= 0.05 && v <= 10, expected: 'a number from 0.05 to 10' },
  minEventSeconds: { num: true, ok: (v) => v >= 0 && v <= 86400, expected: 'seconds from 0 to 86400' },
  maxEvents: { num: true, ok: (v) => Number.isInteger(v) && v >= 1 && v <= 100000, expected: 'an integer from 1 to 100000' },
  maxMegabytes: { num: true, ok: (v) => v >= 0.1 && v <= 100000, expected: 'megabytes from 0.1 to 100000' },
  camera: { ok: (v) => v === '' || (typeof v === 'string' && v.length < 256 && /^http:\/\/[^\s/]+(\/\S*)?$/.test(v)), expected: 'empty (find it) or an http:// URL' },
};

/** `base` with the fields of `input` applied; every problem is listed, nothing applied if any. */
function checkSettings(input, base) {
  const errors = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { errors: [{ field: '', value: input, expected: 'a JSON object of settings', message: 'settings must be a JSON object' }] };
  }
  const next = { ...base };
  for (const [field, raw] of Object.entries(input)) {
    const rule = RULES[field];
    if (rule === undefined) {
      errors.push({ field, value: raw, expected: Object.keys(RULES).join(', '), message: `${field}: unknown setting (known: ${Object.keys(RULES).join(', ')})` });
      continue;
    }
    // Form posts send text; a number written as text is still a number.
    const value = rule.num && typeof raw === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : raw;
    if ((rule.num && typeof value !== 'number') || !rule.ok(value)) {
      errors.push({ field, value: raw, expected: rule.expected, message: `${field}: ${JSON.stringify(raw)} is not ${rule.expected}` });
      continue;
    }
    next[field] = value;
  }
  return errors.length ? { errors } : { settings: next };
}

function loadSettings(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { ...DEFAULTS };
  }
  try {
    const r = checkSettings(JSON.parse(text), DEFAULTS);
    if (r.settings) return r.settings;
    log(`${file}: ${r.errors.map((e) => e.message).join('; ')}; using the defaults`);
  } catch (err) {
    log(`${file}: not JSON (${err.message}); using the defaults`);
  }
  return { ...DEFAULTS };
}

function writeAtomically(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function minutesOf(hhmm) {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** Whether `date` (local time) is inside [windowStart, windowEnd); equal ends: all day. */
function inWindow(settings, date) {
  const start = minutesOf(settings.windowStart);
  const end = minutesOf(settings.windowEnd);
  if (start === end) return true;
  const now = date.getHours() * 60 + date.getMinutes();
  return start < end ? now >= start && now < end : now >= start || now < end;
}

// ---- baseline JPEG decoder (luma only) ---------------------------------------------------------

/** ZIGZAG[k] = natural index of the k-th coefficient in zigzag order. */
const ZIGZAG = (() => {
  const out = [];
  for (let d = 0; d < 15; d++) {
    const cells = [];
    for (let y = 0; y < 8; y++) if (d - y >= 0 && d - y < 8) cells.push(y * 8 + d - y);
    out.push(...(d % 2 === 0 ? cells.reverse() : cells));
  }
  return out;
})();

// IDCT basis: COS[u * 8 + x] = C(u)/2 * cos((2x+1)uπ/16); f = COSᵀ · F · COS.
const COS = new Float64Array(64);
for (let u = 0; u < 8; u++) {
  for (let x = 0; x < 8; x++) COS[u * 8 + x] = (u === 0 ? Math.SQRT1_2 : 1) / 2 * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
}

function corrupt(what) {
  return new Error(`not a decodable baseline JPEG: ${what}`);
}

/** Canonical Huffman decoding tables (T.81 F.2.2.3: MAXCODE, VALPTR, MINCODE). */
function huffmanTable(bits, values) {
  const maxcode = new Int32Array(17).fill(-1);
  const valptr = new Int32Array(17);
  const mincode = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    valptr[len] = k;
    mincode[len] = code;
    code += bits[len - 1];
    k += bits[len - 1];
    if (bits[len - 1]) maxcode[len] = code - 1;
    code <<= 1;
  }
  return { maxcode, valptr, mincode, values };
}

/** Entropy-coded bits: un-stuffs 0xFF00, stops at a marker (then reads zeros, as decoders do). */
class BitReader {
  constructor(buf, pos) {
    this.buf = buf;
    this.pos = pos;
    this.acc = 0;
    this.n = 0;
    this.atMarker = false;
  }

  bit() {
    if (this.n === 0) {
      let b = 0;
      if (!this.atMarker) {
        if (this.pos >= this.buf.length) throw corrupt('the data ends inside the image');
        b = this.buf[this.pos];
        if (b === 0xff) {
          if (this.buf[this.pos + 1] === 0x00) this.pos += 2;
          else {
            this.atMarker = true;
            b = 0;
          }
        } else this.pos++;
      }
      this.acc = b;
      this.n = 8;
    }
    this.n--;
    return (this.acc >> this.n) & 1;
  }

  receive(s) {
    let v = 0;
    for (let i = 0; i < s; i++) v = (v << 1) | this.bit();
    return v;
  }

  decode(t) {
    let code = 0;
    for (let len = 1; len <= 16; len++) {
      code = (code << 1) | this.bit();
      if (code <= t.maxcode[len]) return t.values[t.valptr[len] + code - t.mincode[len]];
    }
    throw corrupt('a Huffman code that is not in the table');
  }

  /** At a restart interval: drop the partial byte and step over the RSTn marker. */
  restart() {
    this.n = 0;
    let p = this.pos;
    while (p + 1 < this.buf.length && !(this.buf[p] === 0xff && this.buf[p + 1] >= 0xd0 && this.buf[p + 1] <= 0xd7)) p++;
    if (p + 1 >= this.buf.length) throw corrupt('a restart marker is missing');
    this.pos = p + 2;
    this.atMarker = false;
  }
}

const extend = (v, s) => (v < 1 << (s - 1) ? v - (1 << s) + 1 : v);

function parseFrame(buf, p) {
  if (buf[p] !== 8) throw corrupt(`${buf[p]}-bit samples (only 8-bit)`);
  const frame = { height: buf.readUInt16BE(p + 1), width: buf.readUInt16BE(p + 3), comps: [] };
  if (frame.height === 0 || frame.width === 0) throw corrupt('no image size in the frame header');
  const n = buf[p + 5];
  for (let i = 0; i < n; i++) {
    const o = p + 6 + i * 3;
    frame.comps.push({ id: buf[o], h: buf[o + 1] >> 4, v: buf[o + 1] & 15, tq: buf[o + 2] });
  }
  frame.hmax = Math.max(...frame.comps.map((c) => c.h));
  frame.vmax = Math.max(...frame.comps.map((c) => c.v));
  const y = frame.comps[0];
  if (!y || y.h !== frame.hmax || y.v !== frame.vmax) throw corrupt('the first component is not full resolution');
  frame.mcusX = Math.ceil(frame.width / (8 * frame.hmax));
  frame.mcusY = Math.ceil(frame.height / (8 * frame.vmax));
  frame.gray = new Uint8Array(frame.width * frame.height);
  return frame;
}

/** Decodes one scan; pixels only for the first (luma) component. Returns where the scan ends. */
function decodeScan(buf, p, frame, tables) {
  const ns = buf[p];
  const scomps = [];
  for (let i = 0; i < ns; i++) {
    const comp = frame.comps.find((c) => c.id === buf[p + 1 + i * 2]);
    const t = buf[p + 2 + i * 2];
    if (!comp) throw corrupt('a scan names an unknown component');
    const sc = { comp, dc: tables.dc[t >> 4], ac: tables.ac[t & 15], pred: 0, luma: comp === frame.comps[0], q: tables.q[comp.tq] };
    if (!sc.dc || !sc.ac || (sc.luma && !sc.q)) throw corrupt('a scan uses a table that was not defined');
    scomps.push(sc);
  }
  const bits = new BitReader(buf, p + 1 + ns * 2 + 3);
  const coef = new Float64Array(64);
  const tmp = new Float64Array(64);

  const block = (sc, bx, by) => {
    const t = bits.decode(sc.dc);
    sc.pred += t === 0 ? 0 : extend(bits.receive(t), t);
    if (sc.luma) {
      coef.fill(0);
      coef[0] = sc.pred * sc.q[0];
    }
    for (let k = 1; k < 64;) {
      const rs = bits.decode(sc.ac);
      const r = rs >> 4;
      const s = rs & 15;
      if (s === 0) {
        if (r !== 15) break;
        k += 16;
        continue;
      }
      k += r;
      if (k > 63) throw corrupt('a coefficient past the end of a block');
      const v = extend(bits.receive(s), s);
      if (sc.luma) coef[ZIGZAG[k]] = v * sc.q[k];
      k++;
    }
    if (sc.luma) idctInto(coef, tmp, frame, bx * 8, by * 8);
  };

  const single = ns === 1;
  const c0 = scomps[0].comp;
  const perLine = single ? Math.ceil(Math.ceil((frame.width * c0.h) / frame.hmax) / 8) : frame.mcusX;
  const total = single ? perLine * Math.ceil(Math.ceil((frame.height * c0.v) / frame.vmax) / 8) : frame.mcusX * frame.mcusY;
  for (let m = 0; m < total; m++) {
    if (tables.restart && m > 0 && m % tables.restart === 0) {
      bits.restart();
      for (const sc of scomps) sc.pred = 0;
    }
    const mx = m % perLine;
    const my = Math.floor(m / perLine);
    if (single) block(scomps[0], mx, my);
    else {
      for (const sc of scomps) {
        for (let v = 0; v < sc.comp.v; v++) for (let h = 0; h < sc.comp.h; h++) block(sc, mx * sc.comp.h + h, my * sc.comp.v + v);
      }
    }
  }
  return bits.pos;
}

function idctInto(F, tmp, frame, x0, y0) {
  for (let v = 0; v < 8; v++) {
    for (let x = 0; x < 8; x++) {
      let s = 0;
      for (let u = 0; u < 8; u++) s += F[v * 8 + u] * COS[u * 8 + x];
      tmp[v * 8 + x] = s;
    }
  }
  for (let y = 0; y < 8 && y0 + y < frame.height; y++) {
    for (let x = 0; x < 8 && x0 + x < frame.width; x++) {
      let s = 128;
      for (let v = 0; v < 8; v++) s += COS[v * 8 + y] * tmp[v * 8 + x];
      frame.gray[(y0 + y) * frame.width + x0 + x] = s < 0 ? 0 : s > 255 ? 255 : Math.round(s);
    }
  }
}

/** {width, height, gray}: the luma plane of a baseline (SOF0/SOF1, Huffman) JPEG. */
function decodeJpegLuma(buf) {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) throw corrupt('no SOI marker');
  const tables = { q: [], dc: [], ac: [], restart: 0 };
  let frame = null;
  let scanned = false;
  let pos = 2;
  for (;;) {
    while (pos < buf.length && buf[pos] !== 0xff) pos++;
    while (pos < buf.length && buf[pos] === 0xff) pos++;
    if (pos >= buf.length) throw corrupt('no EOI marker');
    const marker = buf[pos++];
    if (marker === 0xd9) break;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    if (pos + 2 > buf.length) throw corrupt('a truncated segment');
    const end = pos + buf.readUInt16BE(pos);
    if (end > buf.length || end < pos + 2) throw corrupt('a segment longer than the file');
    let p = pos + 2;
    if (marker === 0xdb) {
      while (p < end) {
        const wide = buf[p] >> 4;
        const table = new Uint16Array(64);
        for (let k = 0; k < 64; k++) table[k] = wide ? buf.readUInt16BE(p + 1 + k * 2) : buf[p + 1 + k];
        tables.q[buf[p] & 15] = table;
        p += 1 + (wide ? 128 : 64);
      }
    } else if (marker === 0xc4) {
      while (p < end) {
        const bits = buf.subarray(p + 1, p + 17);
        const n = bits.reduce((a, b) => a + b, 0);
        (buf[p] >> 4 ? tables.ac : tables.dc)[buf[p] & 15] = huffmanTable(bits, buf.subarray(p + 17, p + 17 + n));
        p += 17 + n;
      }
    } else if (marker === 0xc0 || marker === 0xc1) {
      frame = parseFrame(buf, p);
    } else if (marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      throw corrupt(`SOF${marker - 0xc0} (progressive, lossless or arithmetic coding; only baseline)`);
    } else if (marker === 0xdd) {
      tables.restart = buf.readUInt16BE(p);
    } else if (marker === 0xda) {
      if (!frame) throw corrupt('a scan before the frame header');
      pos = decodeScan(buf, p, frame, tables);
      scanned = true;
      continue;
    }
    pos = end;
  }
  if (!frame || !scanned) throw corrupt('no image data');
  return { width: frame.width, height: frame.height, gray: frame.gray };
}

// ---- motion ------------------------------------------------------------------------------------

/** The luma plane at half size (2x2 means): less sensor noise, a quarter of the memory. */
function halve({ width, height, gray }) {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const r0 = 2 * y * width;
    const r1 = r0 + width;
    for (let x = 0; x < w; x++) out[y * w + x] = (gray[r0 + 2 * x] + gray[r0 + 2 * x + 1] + gray[r1 + 2 * x] + gray[r1 + 2 * x + 1] + 2) >> 2;
  }
  return { width: w, height: h, pixels: out };
}

/** Percentage of pixels that moved by more than `delta` (100 when the frame size changed). */
function changedPercent(a, b, delta) {
  if (a.width !== b.width || a.height !== b.height) return 100;
  let n = 0;
  for (let i = 0; i < a.pixels.length; i++) if (Math.abs(a.pixels[i] - b.pixels[i]) > delta) n++;
  return (n * 100) / a.pixels.length;
}

// ---- the camera --------------------------------------------------------------------------------

function ipv4ToInt(ip) {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  return m ? m.slice(1).reduce((a, o) => a * 256 + Number(o), 0) : undefined;
}

/** Lease file -> the interfaces its (running) dnsmasq serves, from the dnsmasq command lines. */
function servedInterfaces() {
  const served = new Map();
  let pids = [];
  try {
    pids = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return served;
  }
  for (const pid of pids) {
    let argv;
    try {
      argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!/(^|\/)dnsmasq$/.test(argv[0])) continue;
    const leaseFile = argv.find((a) => a.startsWith('--dhcp-leasefile='));
    if (!leaseFile) continue;
    const ifaces = argv.filter((a) => a.startsWith('--interface=')).map((a) => a.slice('--interface='.length));
    served.set(path.resolve(leaseFile.slice('--dhcp-leasefile='.length)), ifaces);
  }
  return served;
}

/** IPv4 subnets of the named interfaces of this (the chute's) network namespace. */
function subnetsOf(names) {
  const out = [];
  const all = os.networkInterfaces();
  for (const name of names) {
    for (const a of all[name] ?? []) {
      if (a.family !== 'IPv4' && a.family !== 4) continue;
      const mask = ipv4ToInt(a.netmask);
      out.push({ net: (ipv4ToInt(a.address) & mask) >>> 0, mask, self: a.address });
    }
  }
  return out;
}

/**
 * Leased addresses from dnsmasq lease files (`expiry mac ip hostname clientid`), camera-like
 * names first. Only a lease file that a running dnsmasq writes counts, and only its leases on the
 * subnets of the interfaces that dnsmasq serves here: a stale or foreign lease file is never a
 * reason to contact anyone.
 */
function leasedCandidates(pattern) {
  const dir = path.dirname(pattern);
  const re = new RegExp(`^${path.basename(pattern).replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*')}$`);
  let names;
  try {
    names = fs.readdirSync(dir).filter((n) => re.test(n));
  } catch {
    return [];
  }
  const served = names.length ? servedInterfaces() : new Map();
  const seen = new Map();
  for (const name of names) {
    const file = path.resolve(dir, name);
    const subnets = subnetsOf(served.get(file) ?? []);
    if (subnets.length === 0) continue;
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const [expiry, , ip, hostname] = line.trim().split(/\s+/);
      const n = ipv4ToInt(ip ?? '');
      if (n === undefined) continue;
      if (!subnets.some((s) => ((n & s.mask) >>> 0) === s.net && s.self !== ip)) continue;
      seen.set(ip, { ip, hostname: hostname ?? '*', expiry: Number(expiry) || 0 });
    }
  }
  const cameraLike = (c) => (/cam|dcs|ipc/i.test(c.hostname) ? 0 : 1);
  return [...seen.values()].sort((a, b) => cameraLike(a) - cameraLike(b) || b.expiry - a.expiry);
}

function fetchFrame(url, timeoutMs = 3000, maxBytes = 4 * 1024 * 1024) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`HTTP ${res.statusCode}`));
      }
      const chunks = [];
      let size = 0;
      res.on('data', (c) => {
        size += c.length;
        if (size > maxBytes) req.destroy(new Error(`a frame over ${maxBytes} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if (body[0] !== 0xff || body[1] !== 0xd8) return reject(new Error('the answer is not a JPEG'));
        resolve(body);
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

// ---- the gallery (stored motion frames) --------------------------------------------------------

const EVENT_NAME = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-(\d{3})(-\d+)?\.jpg$/;

function stampOf(date) {
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}-${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}-${p(date.getUTCMilliseconds(), 3)}`;
}

function timeOfName(name) {
  const m = EVENT_NAME.exec(name);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7])).toISOString() : null;
}

class Gallery {
  constructor(dir) {
    this.dir = dir;
    this.events = []; // oldest first: {name, bytes, time, changedPercent}
    let names = [];
    try {
      names = fs.readdirSync(dir).filter((n) => EVENT_NAME.test(n)).sort();
    } catch {
      // No directory yet: nothing stored.
    }
    for (const name of names) {
      try {
        this.events.push({ name, bytes: fs.statSync(path.join(dir, name)).size, time: timeOfName(name), changedPercent: null });
      } catch {
        // Deleted meanwhile.
      }
    }
    this.bytes = this.events.reduce((a, e) => a + e.bytes, 0);
  }

  add(jpeg, date, changedPercent, limits) {
    const stamp = stampOf(date);
    let name = `${stamp}.jpg`;
    for (let i = 1; this.events.some((e) => e.name === name); i++) name = `${stamp}-${i}.jpg`;
    writeAtomically(path.join(this.dir, name), jpeg);
    this.events.push({ name, bytes: jpeg.length, time: date.toISOString(), changedPercent: Number(changedPercent.toFixed(2)) });
    this.bytes += jpeg.length;
    this.prune(limits);
    return name;
  }

  prune({ maxEvents, maxMegabytes }) {
    const maxBytes = maxMegabytes * 1024 * 1024;
    while (this.events.length > 0 && (this.events.length > maxEvents || this.bytes > maxBytes)) {
      const old = this.events.shift();
      this.bytes -= old.bytes;
      fs.rmSync(path.join(this.dir, old.name), { force: true });
    }
  }

  newestFirst(limit) {
    return this.events.slice(-limit).reverse();
  }
}

// ---- the detector ------------------------------------------------------------------------------

class Detector {
  constructor({ clock, settings, gallery, cameraOption, leasesPattern }) {
    Object.assign(this, { clock, settings, gallery, cameraOption, leasesPattern });
    this.camera = null;
    this.failures = 0;
    this.lastDiscovery = 0;
    this.previous = null;
    this.lastFrame = null;
    this.lastEventAt = 0;
    this.stats = { polls: 0, motionFrames: 0, stored: 0, skippedByRate: 0, errors: 0, lastChangePercent: null, lastPollAt: null, detecting: false, lastError: null };
    this.timer = null;
    this.stopped = false;
  }

  async findCamera() {
    const fixed = this.settings.camera || this.cameraOption;
    if (fixed) return fixed;
    if (this.camera) return this.camera;
    if (Date.now() - this.lastDiscovery < 5000) return null;
    this.lastDiscovery = Date.now();
    for (const c of leasedCandidates(this.leasesPattern)) {
      const url = `http://${c.ip}/image/jpeg.cgi`;
      try {
        await fetchFrame(url, 2000);
        log(`camera found: ${url} (lease of '${c.hostname}')`);
        this.camera = url;
        return url;
      } catch {
        // Not a camera, or not answering: try the next lease.
      }
    }
    return null;
  }

  async pollOnce() {
    const now = this.clock();
    this.stats.lastPollAt = now.toISOString();
    if (!inWindow(this.settings, now)) {
      // Outside the window nothing is fetched; the first frame inside it is only a reference.
      this.stats.detecting = false;
      this.previous = null;
      return;
    }
    this.stats.detecting = true;
    const url = await this.findCamera();
    if (!url) return;
    let jpeg;
    let small;
    try {
      jpeg = await fetchFrame(url);
      small = halve(decodeJpegLuma(jpeg));
      this.failures = 0;
    } catch (err) {
      this.stats.errors++;
      this.stats.lastError = `${url}: ${err.message}`;
      if (++this.failures >= 3 && url === this.camera) {
        log(`camera ${url} failed 3 times (${err.message}); looking for it again`);
        this.camera = null;
        this.failures = 0;
      }
      return;
    }
    this.stats.polls++;
    this.lastFrame = jpeg;
    const previous = this.previous;
    this.previous = small;
    if (!previous) return;
    const pct = changedPercent(previous, small, this.settings.pixelDelta);
    this.stats.lastChangePercent = Number(pct.toFixed(2));
    if (pct < this.settings.thresholdPercent) return;
    this.stats.motionFrames++;
    const at = this.clock();
    if (at.getTime() - this.lastEventAt < this.settings.minEventSeconds * 1000) {
      this.stats.skippedByRate++;
      return;
    }
    this.lastEventAt = at.getTime();
    const name = this.gallery.add(jpeg, at, pct, this.settings);
    this.stats.stored++;
    log(`motion: ${pct.toFixed(2)}% of the picture changed; stored ${name} (${this.gallery.events.length} kept)`);
  }

  start() {
    const loop = async () => {
      const started = Date.now();
      try {
        await this.pollOnce();
      } catch (err) {
        this.stats.errors++;
        this.stats.lastError = err.message;
        log(`poll failed: ${err.message}`);
      }
      if (this.stopped) return;
      this.timer = setTimeout(loop, Math.max(0, 1000 / this.settings.pollsPerSecond - (Date.now() - started)));
    };
    loop();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}

// ---- web ---------------------------------------------------------------------------------------

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.jpg': 'image/jpeg', '.png': 'image/png', '.json': 'application/json', '.svg': 'image/svg+xml' };

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function send(res, status, type, body, headers = {}) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
  res.end(body);
}
const sendJson = (res, status, body) => send(res, status, 'application/json', `${JSON.stringify(body)}\n`);

function readBody(req, max) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => {
      body += c;
      if (body.length > max) {
        reject(new Error('body too large'));
        req.destroy();
      }
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function serveFile(res, root, encoded, head) {
  let rel;
  try {
    rel = decodeURIComponent(encoded);
  } catch {
    return send(res, 400, 'text/plain', 'bad request\n');
  }
  const file = path.resolve(root, `.${rel}`);
  // Never serve outside the root, whatever the request path holds.
  if (rel.includes('\0') || !file.startsWith(root + path.sep)) return send(res, 403, 'text/plain', 'forbidden\n');
  fs.readFile(file, (err, data) => {
    if (err) return send(res, 404, 'text/plain', 'not found\n');
    send(res, 200, TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream', head ? '' : data);
  });
}

function settingsForm(s, errors) {
  const field = (name, label, extra = '') =>
    `<label>${esc(label)} <input name="${name}" value="${esc(s[name])}" ${extra}></label>`;
  return `<form method="post" action="/settings" class="settings">
${errors.length ? `<ul class="errors">${errors.map((e) => `<li>${esc(e.message)}</li>`).join('')}</ul>` : ''}
<fieldset><legend>Motion threshold</legend>
${field('thresholdPercent', 'changed pixels (%)', 'inputmode="decimal"')}
${field('pixelDelta', 'per-pixel change (0-255)', 'inputmode="numeric"')}</fieldset>
<fieldset><legend>Time of day</legend>
${field('windowStart', 'detect from', 'pattern="[0-2][0-9]:[0-5][0-9]"')}
${field('windowEnd', 'until', 'pattern="[0-2][0-9]:[0-5][0-9]"')}</fieldset>
<fieldset><legend>Rate</legend>
${field('pollsPerSecond', 'pictures per second', 'inputmode="decimal"')}
${field('minEventSeconds', 'seconds between stored events', 'inputmode="decimal"')}</fieldset>
<fieldset><legend>History</legend>
${field('maxEvents', 'keep at most (pictures)', 'inputmode="numeric"')}
${field('maxMegabytes', 'and at most (MB)', 'inputmode="decimal"')}
${field('camera', 'camera URL (empty: find it)')}</fieldset>
<button type="submit">Save</button></form>`;
}

function galleryPage(app, limit, errors = []) {
  const { detector, gallery, settings } = app;
  const shown = gallery.newestFirst(limit);
  const camera = detector.settings.camera || detector.cameraOption || detector.camera;
  const window = settings.windowStart === settings.windowEnd ? 'all day' : `${settings.windowStart}-${settings.windowEnd}`;
  const items = shown.map((e) => `<li><figure><a href="/motion/${esc(e.name)}"><img src="/motion/${esc(e.name)}" width="320" height="240" loading="lazy" alt="motion at ${esc(e.time)}"></a>
<figcaption><time datetime="${esc(e.time)}">${esc(e.time.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</time>${e.changedPercent === null ? '' : ` &middot; ${esc(e.changedPercent)}% changed`}</figcaption></figure></li>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>SecCam</title><link rel="stylesheet" href="/style.css"><script src="/gallery.js" defer></script></head>
<body><header><h1>SecCam</h1>
<p class="status">Camera: ${camera ? esc(camera) : 'not found yet'} &middot; detecting ${esc(window)}${detector.stats.detecting ? '' : ' (outside the window now)'} &middot;
${gallery.events.length} pictures stored (${(gallery.bytes / 1048576).toFixed(1)} MB)</p></header>
<main><section class="live"><h2>Now</h2>${detector.lastFrame ? '<img id="live" src="/latest.jpg" width="320" height="240" alt="the camera now">' : '<p>No picture yet.</p>'}</section>
<section><h2>Motion</h2>${shown.length ? `<ol class="gallery" data-newest="${esc(shown[0].name)}">\n${items.join('\n')}\n</ol>` : '<p class="empty">No motion recorded yet.</p>'}
${gallery.events.length > shown.length ? `<p>Showing the newest ${shown.length} of ${gallery.events.length}.</p>` : ''}</section>
<section><h2>Settings</h2>${settingsForm(settings, errors)}</section></main></body></html>
`;
}

function createServer(app) {
  const { wwwRoot, detector, gallery } = app;
  const applySettings = (input) => {
    const r = checkSettings(input, app.settings);
    if (r.errors) return r.errors;
    const cameraChanged = r.settings.camera !== app.settings.camera;
    app.settings = r.settings;
    detector.settings = r.settings;
    if (cameraChanged) detector.camera = null;
    writeAtomically(app.settingsFile, `${JSON.stringify(r.settings, null, 2)}\n`);
    gallery.prune(r.settings);
    log(`settings changed: ${JSON.stringify(input)}`);
    return [];
  };

  return http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://chute');
    const p = url.pathname;
    const get = req.method === 'GET' || req.method === 'HEAD';
    try {
      if (p === '/api/settings' && req.method === 'POST') {
        let input;
        try {
          input = JSON.parse(await readBody(req, 8192));
        } catch {
          return sendJson(res, 400, { error: 'the body is not JSON' });
        }
        const errors = applySettings(input);
        if (errors.length) return sendJson(res, 400, { error: errors.map((e) => e.message).join('; '), errors });
        return sendJson(res, 200, app.settings);
      }
      if (p === '/settings' && req.method === 'POST') {
        const form = Object.fromEntries(new URLSearchParams(await readBody(req, 8192)));
        const errors = applySettings(form);
        if (errors.length) return send(res, 400, 'text/html; charset=utf-8', galleryPage(app, 60, errors));
        return send(res, 303, 'text/plain', 'saved\n', { location: '/' });
      }
      if (!get) return send(res, 405, 'text/plain', 'method not allowed\n');
      if (p === '/') {
        const limit = Math.min(500, Math.max(1, Number(url.searchParams.get('limit')) || 60));
        return send(res, 200, 'text/html; charset=utf-8', galleryPage(app, limit));
      }
      if (p === '/healthz') return send(res, 200, 'text/plain', 'ok\n');
      if (p === '/api/settings') return sendJson(res, 200, app.settings);
      if (p === '/api/events') {
        const limit = Math.min(10000, Math.max(1, Number(url.searchParams.get('limit')) || 100));
        return sendJson(res, 200, gallery.newestFirst(limit).map((e) => ({ ...e, url: `/motion/${e.name}` })));
      }
      if (p === '/api/status') {
        return sendJson(res, 200, {
          chute: 'seccam', uptimeSeconds: Math.round((Date.now() - app.started) / 1000), now: app.clock().toISOString(),
          camera: detector.settings.camera || detector.cameraOption || detector.camera, ...detector.stats,
          stored: { events: gallery.events.length, bytes: gallery.bytes }, images: gallery.newestFirst(50).map((e) => e.name),
          resources: app.resources, memory: process.memoryUsage().rss,
        });
      }
      if (p === '/latest.jpg') {
        return detector.lastFrame ? send(res, 200, 'image/jpeg', detector.lastFrame) : send(res, 404, 'text/plain', 'no picture yet\n');
      }
      if (p.startsWith('/motion/')) {
        const name = p.slice('/motion/'.length);
        if (!EVENT_NAME.test(name)) return send(res, 404, 'text/plain', 'not found\n');
        return serveFile(res, gallery.dir, `/${name}`, req.method === 'HEAD');
      }
      return serveFile(res, wwwRoot, p, req.method === 'HEAD');
    } catch (err) {
      log(`${req.method} ${p}: ${err.message}`);
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
    }
  });
}

// ---- main --------------------------------------------------------------------------------------

function readResources(file) {
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    const net = Object.entries(r.net ?? {}).map(([k, v]) => `${k} down ${v.downKbps ?? '-'} up ${v.upKbps ?? '-'} kbit/s`).join(', ');
    log(`resource request: cpu ${r.cpuShares} shares, memory ${Math.round(r.memoryBytes / 1048576)} MiB${net ? `, ${net}` : ''}, deadline ${r.deadline}`);
    return r;
  } catch (err) {
    if (err.code !== 'ENOENT') log(`${file}: ${err.message}`);
    return null;
  }
}

function main() {
  const port = Number(option('port', '80'));
  const dataDir = path.resolve(option('data-dir', '/srv/seccam'));
  const nowOption = option('now', undefined);
  const offset = nowOption === undefined ? 0 : Date.parse(nowOption) - Date.now();
  if (Number.isNaN(offset)) {
    console.error(`seccam: --now ${JSON.stringify(nowOption)} is not a date and time (expected e.g. 2017-01-01T12:00:00)`);
    process.exit(1);
  }
  const clock = () => new Date(Date.now() + offset);
  const settingsFile = path.join(dataDir, 'settings.json');
  const settings = loadSettings(settingsFile);
  const gallery = new Gallery(path.join(dataDir, 'motion'));
  const resourcesFile = option('resources', '/.paradrop/run/resources.json');
  const detector = new Detector({ clock, settings, gallery, cameraOption: option('camera', ''), leasesPattern: option('leases', '/tmp/dnsmasq-*.leases') });
  const app = { wwwRoot: path.resolve(option('www', '/srv/www')), settingsFile, settings, gallery, detector, clock, started: Date.now(), resources: readResources(resourcesFile) };
  const server = createServer(app);
  server.listen(port, () => {
    log(`listening on port ${server.address().port}, serving ${app.wwwRoot}, ${gallery.events.length} pictures in ${gallery.dir}`);
    detector.start();
  });
  process.on('SIGURG', () => {
    app.resources = readResources(resourcesFile);
  });
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      log(`${signal}: stopping`);
      detector.stop();
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 1000).unref();
    });
  }
}

if (require.main === module) main();

module.exports = { decodeJpegLuma, halve, changedPercent, inWindow, checkSettings, leasedCandidates, DEFAULTS };
