// Data table: the options OpenWrt's own daemons read for each section type paradrop may write
// (netifd for network, the wifi scripts for wireless, the dnsmasq/odhcpd init for dhcp, firewall4
// for firewall). lint.ts refuses any other option: fw4 warns "specifies unknown option" on every
// reload for each one (vector unknown_option_paradrop_mark), and the other daemons silently ignore
// them, which hides mistakes. The lists are wider than what the compiler writes today so that
// adding a known option is a compiler change, not a lint change.

export const SECTION_TYPES: Record<string, readonly string[]> = {
  network: ['device', 'interface'],
  wireless: ['wifi-iface'],
  dhcp: ['dhcp'],
  firewall: ['zone', 'forwarding', 'rule', 'redirect'],
};

const FW_TIME = ['start_date', 'stop_date', 'start_time', 'stop_time', 'weekdays', 'monthdays', 'utc_time'];

export const KNOWN_OPTIONS: Record<string, readonly string[]> = {
  device: [
    'name', 'type', 'ports', 'bridge_empty', 'enabled', 'macaddr', 'mtu', 'mtu6', 'ipv6', 'txqueuelen', 'promisc',
    'stp', 'forward_delay', 'hello_time', 'max_age', 'ageing_time', 'priority', 'igmp_snooping', 'multicast_querier',
    'hash_max', 'robustness', 'query_interval', 'query_response_interval', 'last_member_interval', 'vlan_filtering',
    'multicast', 'acceptlocal', 'sendredirects', 'rpfilter',
  ],
  interface: [
    'device', 'proto', 'ipaddr', 'netmask', 'gateway', 'broadcast', 'ip6addr', 'ip6gw', 'ip6assign', 'ip6hint',
    'ip6prefix', 'dns', 'dns_search', 'dns_metric', 'metric', 'auto', 'disabled', 'force_link', 'defaultroute',
    'peerdns', 'delegate', 'ipv6', 'mtu', 'macaddr', 'ip4table', 'ip6table', 'layer',
  ],
  'wifi-iface': [
    'device', 'mode', 'network', 'ssid', 'bssid', 'encryption', 'key', 'hidden', 'isolate', 'ifname', 'disabled',
    'macaddr', 'wmm', 'ieee80211w', 'max_inactivity', 'maxassoc', 'short_preamble', 'wpa_group_rekey',
    'wpa_disable_eapol_key_retries', 'macfilter', 'maclist', 'dtim_period', 'disassoc_low_ack',
  ],
  dhcp: [
    'interface', 'start', 'limit', 'leasetime', 'ignore', 'dhcpv4', 'dhcpv6', 'ra', 'ndp', 'force', 'dhcp_option',
    'dhcp_option_force', 'networkid', 'dynamicdhcp', 'master', 'ra_management', 'ra_flags', 'instance', 'tag',
  ],
  zone: [
    'name', 'network', 'device', 'subnet', 'input', 'output', 'forward', 'masq', 'masq_src', 'masq_dest',
    'masq_allow_invalid', 'mtu_fix', 'family', 'log', 'log_limit', 'enabled', 'extra', 'extra_src', 'extra_dest',
    'auto_helper', 'helper', 'conntrack', 'custom_chains',
  ],
  forwarding: ['name', 'src', 'dest', 'family', 'enabled', 'ipset', 'log'],
  rule: [
    'name', 'src', 'src_ip', 'src_mac', 'src_port', 'dest', 'dest_ip', 'dest_port', 'proto', 'icmp_type', 'target',
    'family', 'enabled', 'limit', 'limit_burst', 'mark', 'set_mark', 'set_xmark', 'ipset', 'helper', 'set_helper',
    'log', 'log_limit', 'device', 'direction', 'dscp', 'set_dscp', 'extra', 'counter', ...FW_TIME,
  ],
  redirect: [
    'name', 'src', 'src_ip', 'src_dip', 'src_mac', 'src_port', 'src_dport', 'dest', 'dest_ip', 'dest_port', 'proto',
    'target', 'family', 'reflection', 'reflection_src', 'reflection_zone', 'enabled', 'limit', 'limit_burst', 'mark',
    'ipset', 'helper', 'extra', 'log', 'log_limit', 'counter', ...FW_TIME,
  ],
};

/** Options that take one value; a `list` there means something else or is refused. */
export const SINGLE_VALUED: Record<string, readonly string[]> = {
  device: ['name', 'type', 'bridge_empty'],
  interface: ['device', 'proto', 'ipaddr', 'netmask', 'gateway'],
  'wifi-iface': ['device', 'mode', 'network', 'ssid', 'encryption', 'key'],
  dhcp: ['interface', 'start', 'limit', 'leasetime', 'ignore', 'dhcpv4'],
  zone: ['name', 'input', 'output', 'forward', 'masq'],
  forwarding: ['src', 'dest'],
  rule: ['name', 'src', 'dest', 'dest_port', 'target'],
  redirect: ['name', 'src', 'dest', 'src_dip', 'src_dport', 'dest_ip', 'dest_port', 'target', 'reflection'],
};

/** Options that must be `list` lines: an `option` would be split on spaces by some readers only. */
export const LIST_VALUED: Record<string, readonly string[]> = {
  zone: ['network'],
};

/** Options every section of the type needs to mean what paradrop means. */
export const REQUIRED: Record<string, readonly string[]> = {
  device: ['name', 'type', 'bridge_empty'],
  interface: ['device', 'proto', 'ipaddr', 'netmask'],
  'wifi-iface': ['device', 'mode', 'network', 'ssid', 'encryption'],
  dhcp: ['interface', 'start', 'limit', 'leasetime', 'dhcpv4', 'ignore'],
  zone: ['name', 'network', 'input', 'output', 'forward'],
  forwarding: ['src', 'dest'],
  rule: ['name', 'src', 'proto', 'dest_port', 'target'],
  redirect: ['name', 'src', 'src_dport', 'proto', 'dest', 'dest_ip', 'dest_port', 'target'],
};

export const ENUMS: Record<string, Record<string, readonly string[]>> = {
  device: { type: ['bridge'], bridge_empty: ['1'] },
  interface: { proto: ['static'] },
  'wifi-iface': { mode: ['ap'], encryption: ['none', 'psk', 'psk2', 'psk-mixed', 'sae', 'sae-mixed'] },
  dhcp: { ignore: ['1'], dhcpv4: ['disabled'] },
  // Exact upper case: fw4 takes any case-insensitive prefix ("acc"), which hides typos.
  zone: { input: ['ACCEPT', 'REJECT', 'DROP'], output: ['ACCEPT', 'REJECT', 'DROP'], forward: ['ACCEPT', 'REJECT', 'DROP'] },
  rule: { target: ['ACCEPT', 'REJECT', 'DROP'], proto: ['tcp', 'udp', 'icmp'] },
  redirect: { target: ['DNAT'], proto: ['tcp', 'udp'], reflection: ['0', '1'] },
};
