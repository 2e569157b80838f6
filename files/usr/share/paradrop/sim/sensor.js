// The simulated environmental sensor of the home (for the EnvSense chute). It takes an address by
// DHCP on its interface (from the chute's dnsmasq once the sim attaches it to the chute's bridge),
// then posts a reading every --interval seconds to the chute, which is its DHCP router:
//   POST http://<router>/api/readings  {"sensor": NAME, "temperature": °C, "humidity": %RH, "co2": ppm}
// The values follow a seeded random walk pulled back towards a plausible indoor level, so a run is
// repeatable. A post that fails (no chute yet) is not counted; the next tick sends a new reading.
// Usage:
//   node sensor.js [--iface sen0 | --no-dhcp] [--url URL] [--sensor NAME] [--interval S]
//                  [--count N (0: forever)] [--seed N] [--run-dir DIR]
// Exit: 0 after N readings were accepted; it runs until SIGTERM when N is 0.
// Invariants: plain CommonJS, no dependencies, Node 18; it talks only to --url or its DHCP router.
'use strict';
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const flag = (name) => process.argv.includes(`--${name}`);

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Readings of one sensor: each quantity steps randomly and is pulled back towards its mean. */
function randomWalk(seed) {
  const rand = prng(seed);
  const quantities = {
    temperature: { value: 21, mean: 21, step: 0.15, pull: 0.05, min: 10, max: 35, digits: 2 },
    humidity: { value: 45, mean: 45, step: 0.8, pull: 0.05, min: 15, max: 90, digits: 1 },
    co2: { value: 650, mean: 650, step: 25, pull: 0.05, min: 400, max: 2500, digits: 0 },
  };
  return () => {
    const reading = {};
    for (const [key, q] of Object.entries(quantities)) {
      q.value += (rand() * 2 - 1) * q.step + (q.mean - q.value) * q.pull;
      q.value = Math.min(q.max, Math.max(q.min, q.value));
      reading[key] = Number(q.value.toFixed(q.digits));
    }
    return reading;
  };
}

function post(url, body) {
  return new Promise((resolve) => {
    const data = JSON.stringify(body);
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }, timeout: 3000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ ok: res.statusCode === 201, status: res.statusCode, text: text.trim() }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 3 s')));
    req.on('error', (err) => resolve({ ok: false, status: 0, text: err.message }));
    req.end(data);
  });
}

function main() {
  const sensor = option('sensor', 'living-room');
  const intervalMs = Math.max(50, Number(option('interval', '10')) * 1000);
  const count = Number(option('count', '0'));
  const next = randomWalk(Number(option('seed', '2017')));
  const iface = flag('no-dhcp') ? undefined : option('iface', 'sen0');
  let url = option('url', undefined);
  let accepted = 0;
  let timer;

  if (iface !== undefined) {
    const { startDhcp } = require('./dhcp-client.js');
    const runDir = option('run-dir', path.join(os.tmpdir(), `paradrop-sim-sensor-${process.pid}`));
    const dhcp = startDhcp({ iface, hostname: `envsense-${sensor}`, runDir });
    dhcp.on('log', (line) => console.log(`sensor: ${line}`));
    dhcp.on('lease', (l) => {
      console.log(`sensor: lease ${l.ip}/${l.mask} router ${l.router || 'none'} on ${iface}`);
      if (option('url', undefined) === undefined && l.router) url = `http://${l.router}/api/readings`;
    });
    dhcp.on('lost', () => console.log(`sensor: lost the address on ${iface}`));
  }
  if (url === undefined && iface === undefined) {
    console.error('sensor: give --url, or an --iface to learn the chute from DHCP');
    process.exit(1);
  }

  const tick = async () => {
    if (url !== undefined) {
      const reading = { sensor, ...next() };
      const r = await post(url, reading);
      if (r.ok) {
        accepted++;
        console.log(`sensor: sent ${JSON.stringify(reading)} (${accepted}${count ? `/${count}` : ''})`);
        if (count > 0 && accepted >= count) process.exit(0);
      } else {
        console.log(`sensor: ${url} did not take the reading: ${r.status || ''} ${r.text}`.replace(/\s+/g, ' '));
      }
    }
    timer = setTimeout(tick, intervalMs);
  };
  console.log(`sensor: ${sensor} reporting every ${intervalMs / 1000} s${url ? ` to ${url}` : ' to the DHCP router'}`);
  tick();
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      clearTimeout(timer);
      process.exit(0);
    });
  }
}

if (require.main === module) main();

module.exports = { randomWalk };
