// The minimal /etc a chute gets: accounts for root and nobody, hosts, hostname and resolv.conf.
// Pure. Generated, never copied from the host, so no host secret (shadow, keys, Wi-Fi passwords in
// /etc/config) ever reaches a chute.
// Invariants: derived files (hosts, hostname, resolv.conf) follow the plan on every prepare;
// account files are only created, so users a chute added survive an update.
import type { ChutePlan } from '../../plan/types.js';
import { lxcConfigValues } from './lxc-config.js';

export interface EtcFile {
  /** Relative to the chute's /etc. */
  name: string;
  content: string;
  mode: number;
  /** false: only written when missing. */
  replace: boolean;
}

export function chuteHostname(plan: ChutePlan): string {
  return lxcConfigValues(plan.lxcConfig, 'lxc.uts.name').at(-1) ?? plan.name;
}

export function chuteEtcFiles(plan: ChutePlan): EtcFile[] {
  const hostname = chuteHostname(plan);
  const wan = plan.interfaces.find((i) => i.type === 'wan');
  const resolv = wan
    ? `# paradrop: DNS through the gateway's side of "${wan.name}"\nnameserver ${wan.gatewayAddress}\n`
    : '# paradrop: this chute has no wan interface, so no DNS server\n';
  return [
    { name: 'passwd', mode: 0o644, replace: false,
      content: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' },
    { name: 'group', mode: 0o644, replace: false, content: 'root:x:0:\nnogroup:x:65534:\n' },
    { name: 'hostname', mode: 0o644, replace: true, content: `${hostname}\n` },
    { name: 'hosts', mode: 0o644, replace: true,
      content: `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t${hostname}\n` },
    { name: 'resolv.conf', mode: 0o644, replace: true, content: resolv },
  ];
}
