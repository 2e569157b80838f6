// DHCP for the simulated devices: runs busybox udhcpc (as on OpenWrt; or a plain `udhcpc`) in the
// foreground on one interface, with udhcpc-script next to this file, and reports the lease the
// script writes. udhcpc keeps running: it renews, and when the device is not attached to any
// chute yet (its veth end unattached) it keeps asking every few seconds, as a real camera does
// until it finds its SSID.
// Invariants: only DHCP packets on the named interface of the device's own namespace; the child is
// ended when the device program ends (stop(), and on the program's exit).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { EventEmitter } = require('node:events');

const SCRIPT = path.join(__dirname, 'udhcpc-script');

/** argv prefix of the DHCP client found on this system, or undefined. */
function findUdhcpc() {
  for (const candidate of [['busybox', 'udhcpc'], ['udhcpc']]) {
    const r = spawnSync(candidate[0], [...candidate.slice(1), '--help'], { stdio: 'ignore' });
    if (r.error === undefined) return candidate;
  }
  return undefined;
}

function readLease(file) {
  try {
    const lease = JSON.parse(fs.readFileSync(file, 'utf8'));
    return typeof lease.ip === 'string' && lease.ip !== '' ? lease : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts udhcpc on `iface`. Emits 'lease' ({ip, mask, router, lease}) on every new or changed
 * lease, 'lost' when the address goes, 'log' (line) for udhcpc's output.
 * @param {{ iface: string, hostname: string, runDir: string }} opts
 */
function startDhcp({ iface, hostname, runDir }) {
  const events = new EventEmitter();
  const argv0 = findUdhcpc();
  if (argv0 === undefined) throw new Error('no DHCP client: install busybox (udhcpc)');
  fs.mkdirSync(runDir, { recursive: true });
  const leaseFile = path.join(runDir, `${iface}.lease`);
  fs.rmSync(leaseFile, { force: true });
  // -f foreground, -t 2 -T 1: two discovers a second apart, -A 2: then a 2 s pause, forever;
  // -x hostname: shows in the chute's dnsmasq lease file, which is how SecCam finds its camera.
  const args = [...argv0.slice(1), '-f', '-i', iface, '-s', SCRIPT, '-t', '2', '-T', '1', '-A', '2', '-x', `hostname:${hostname}`];
  const child = spawn(argv0[0], args, { env: { ...process.env, SIM_LEASE_FILE: leaseFile }, stdio: ['ignore', 'pipe', 'pipe'] });
  let buffered = '';
  const onData = (chunk) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop();
    for (const line of lines) if (line.trim() !== '') events.emit('log', line);
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  child.on('exit', (code, signal) => events.emit('log', `udhcpc exited (${signal ?? code})`));

  let current;
  const timer = setInterval(() => {
    const lease = readLease(leaseFile);
    const key = lease && `${lease.ip}/${lease.mask} ${lease.router}`;
    if (key === current) return;
    current = key;
    if (lease) events.emit('lease', lease);
    else events.emit('lost');
  }, 250);
  timer.unref();

  const stop = () => {
    clearInterval(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.on('exit', stop);
  events.stop = stop;
  events.leaseFile = leaseFile;
  return events;
}

module.exports = { startDhcp, findUdhcpc };
