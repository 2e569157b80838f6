// Test helper: gateway profiles for the Linux applier's tests. vectorProfile() is the vectors'
// gateway (lan br-lan 192.168.1.1/24, wan eth1 203.0.113.2/24); the golden v2 profile has the
// same lan and wan, so compiled configs and vectors describe the same gateway.
import { defaultProfile } from '../../../src/plan/profile.js';
import type { GatewayProfile } from '../../../src/plan/types.js';

export function vectorProfile(): GatewayProfile {
  const p = defaultProfile();
  p.lan = { interface: 'lan', zone: 'lan', device: 'br-lan', ipaddr: '192.168.1.1', netmask: '255.255.255.0' };
  p.wan = { interface: 'wan', zone: 'wan', device: 'eth1', ipaddr: '203.0.113.2', netmask: '255.255.255.0' };
  return p;
}
