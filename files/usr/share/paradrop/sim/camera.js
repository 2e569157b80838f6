// The simulated Wi-Fi camera of the home (a D-Link DCS-931L stand-in). It takes an address by DHCP
// on its interface (from the SecCam chute's dnsmasq once the sim attaches it to the chute's
// bridge) and serves snapshots over HTTP as that camera does:
//   GET  /image/jpeg.cgi, /image.jpg   a 320x240 baseline JPEG of the scene
//   GET  /status                       {model, address, motion, mode, frames, objectX}
//   POST /control {"motion": true|false, "frames": N}   manual motion (optionally for N frames);
//                 {"schedule": true}                   back to the --motion-every schedule
//   GET  /                             a page showing the snapshot
// The scene is a still room (gradients, a door, a window); with motion on, a bright square
// crosses it, one step per snapshot served, so consecutive frames differ; with motion off the
// frames are byte-identical. Usage:
//   node camera.js [--iface cam0 | --no-dhcp] [--port 80] [--listen 0.0.0.0] [--name DCS-931L]
//                  [--motion on|off] [--motion-every S --motion-for S] [--quality 80] [--run-dir DIR]
// Invariants: plain CommonJS, no dependencies, Node 18; it only listens (and udhcpc asks for a
// lease on its interface): it never opens a connection.
'use strict';
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { encodeJpeg } = require('./jpeg-encoder.js');

const WIDTH = 320;
const HEIGHT = 240;
const OBJECT = { size: 40, top: 120, step: 16, rgb: [250, 240, 90] };

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const flag = (name) => process.argv.includes(`--${name}`);

function fill(rgb, x0, y0, x1, y1, color) {
  for (let y = Math.max(0, y0); y < Math.min(HEIGHT, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(WIDTH, x1); x++) {
      const i = (y * WIDTH + x) * 3;
      rgb[i] = color[0];
      rgb[i + 1] = color[1];
      rgb[i + 2] = color[2];
    }
  }
}

/** The still room: a wall gradient, a floor, a door and a window with its cross bars. */
function renderBackground() {
  const rgb = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const i = (y * WIDTH + x) * 3;
      if (y < 180) {
        const t = y / 180;
        rgb[i] = 96 + 60 * t + 20 * (x / WIDTH);
        rgb[i + 1] = 110 + 45 * t;
        rgb[i + 2] = 140 - 10 * t;
      } else {
        const t = (y - 180) / 60;
        rgb[i] = 120 - 30 * t;
        rgb[i + 1] = 90 - 25 * t;
        rgb[i + 2] = 60 - 20 * t;
      }
    }
  }
  fill(rgb, 40, 70, 90, 180, [110, 78, 58]); // door
  fill(rgb, 80, 122, 86, 128, [200, 180, 90]); // its handle
  fill(rgb, 220, 40, 290, 100, [190, 212, 232]); // window
  fill(rgb, 253, 40, 257, 100, [70, 70, 80]);
  fill(rgb, 220, 68, 290, 72, [70, 70, 80]);
  return rgb;
}

/** The scene with the moving square at `objectX` (null: no object). */
function renderScene(background, objectX) {
  if (objectX === null) return background;
  const rgb = Uint8Array.from(background);
  fill(rgb, objectX, OBJECT.top, objectX + OBJECT.size, OBJECT.top + OBJECT.size, OBJECT.rgb);
  return rgb;
}

/** Motion state: manual (a flag, maybe for N frames) or a schedule (on for `forS` every `everyS`). */
class MotionState {
  constructor({ motion, everyS, forS, now }) {
    this.mode = everyS > 0 ? 'schedule' : 'manual';
    this.manual = motion;
    this.framesLeft = null;
    this.everyS = everyS;
    this.forS = forS;
    this.started = now();
    this.now = now;
    this.objectX = -OBJECT.size;
  }

  isMoving() {
    if (this.mode === 'manual') return this.manual;
    const t = ((this.now() - this.started) / 1000) % this.everyS;
    return t >= this.everyS - this.forS;
  }

  /** The object's position in the next frame, advancing it one step (null: nothing moves). */
  nextObjectX() {
    if (!this.isMoving()) return null;
    this.objectX += OBJECT.step;
    if (this.objectX >= WIDTH) this.objectX = -OBJECT.size + OBJECT.step;
    if (this.mode === 'manual' && this.framesLeft !== null && --this.framesLeft <= 0) {
      this.manual = false;
      this.framesLeft = null;
    }
    return this.objectX;
  }

  /** Applies a /control body; returns an error text or undefined. */
  control(body) {
    if (body === null || typeof body !== 'object') return 'body must be a JSON object';
    if (body.schedule === true) {
      if (!(this.everyS > 0)) return 'schedule: no --motion-every schedule was given';
      this.mode = 'schedule';
      return undefined;
    }
    if (typeof body.motion !== 'boolean') return 'motion must be true or false (or give {"schedule": true})';
    if (body.frames !== undefined && !(Number.isInteger(body.frames) && body.frames > 0)) return 'frames must be a positive integer';
    this.mode = 'manual';
    this.manual = body.motion;
    this.framesLeft = body.motion && body.frames !== undefined ? body.frames : null;
    return undefined;
  }
}

function readBody(req, max, done) {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => {
    body += chunk;
    if (body.length > max) req.destroy();
  });
  req.on('end', () => done(body));
}

function main() {
  const port = Number(option('port', '80'));
  const listen = option('listen', '0.0.0.0');
  const name = option('name', 'DCS-931L');
  const iface = flag('no-dhcp') ? undefined : option('iface', 'cam0');
  const quality = Number(option('quality', '80'));
  const runDir = option('run-dir', path.join(os.tmpdir(), `paradrop-sim-camera-${process.pid}`));
  const motion = new MotionState({
    motion: option('motion', 'off') === 'on',
    everyS: Number(option('motion-every', '0')),
    forS: Number(option('motion-for', '5')),
    now: Date.now,
  });
  const background = renderBackground();
  const stillJpeg = encodeJpeg({ width: WIDTH, height: HEIGHT, rgb: background, quality });
  let frames = 0;
  let lease;

  const send = (res, status, type, body) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://camera');
    if ((url.pathname === '/image/jpeg.cgi' || url.pathname === '/image.jpg') && req.method === 'GET') {
      const x = motion.nextObjectX();
      frames++;
      // A still scene is the same picture every time: encode it once.
      const jpeg = x === null ? stillJpeg : encodeJpeg({ width: WIDTH, height: HEIGHT, rgb: renderScene(background, x), quality });
      return send(res, 200, 'image/jpeg', jpeg);
    }
    if (url.pathname === '/status' && req.method === 'GET') {
      const body = { model: name, address: lease ? lease.ip : null, router: lease ? lease.router : null, motion: motion.isMoving(),
        mode: motion.mode, frames, objectX: motion.isMoving() ? motion.objectX : null, width: WIDTH, height: HEIGHT };
      return send(res, 200, 'application/json', `${JSON.stringify(body)}\n`);
    }
    if (url.pathname === '/control' && req.method === 'POST') {
      return readBody(req, 4096, (text) => {
        let body;
        try {
          body = JSON.parse(text);
        } catch {
          return send(res, 400, 'application/json', `${JSON.stringify({ error: 'body is not JSON' })}\n`);
        }
        const error = motion.control(body);
        if (error) return send(res, 400, 'application/json', `${JSON.stringify({ error })}\n`);
        console.log(`camera: motion ${motion.mode === 'schedule' ? 'on schedule' : motion.manual ? 'on' : 'off'}`);
        send(res, 200, 'application/json', `${JSON.stringify({ motion: motion.isMoving(), mode: motion.mode })}\n`);
      });
    }
    if (url.pathname === '/' && req.method === 'GET') {
      return send(res, 200, 'text/html; charset=utf-8',
        `<!doctype html><title>${name}</title><h1>${name}</h1><img src="/image/jpeg.cgi" width="${WIDTH}" height="${HEIGHT}" alt="snapshot">\n`);
    }
    send(res, 404, 'text/plain', 'not found\n');
  });

  if (iface !== undefined) {
    const { startDhcp } = require('./dhcp-client.js');
    const dhcp = startDhcp({ iface, hostname: name, runDir });
    dhcp.on('log', (line) => console.log(`camera: ${line}`));
    dhcp.on('lease', (l) => {
      lease = l;
      console.log(`camera: lease ${l.ip}/${l.mask} router ${l.router || 'none'} on ${iface}`);
    });
    dhcp.on('lost', () => {
      lease = undefined;
      console.log(`camera: lost the address on ${iface}`);
    });
  }
  // Listening on the wildcard before the lease comes is what lets the camera answer as soon as
  // it has an address.
  server.listen(port, listen, () => console.log(`camera: listening on port ${server.address().port} (${name}, ${WIDTH}x${HEIGHT})`));
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      server.close();
      process.exit(0);
    });
  }
}

if (require.main === module) main();

module.exports = { renderBackground, renderScene, MotionState, WIDTH, HEIGHT, OBJECT };
