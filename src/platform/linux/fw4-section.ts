// Reading one firewall section the way firewall4 does: options are parsed in fw4's order, the first
// invalid value (or a list where a single value belongs, or a missing mandatory option) makes the
// whole section invalid, and only a valid section is checked for unknown options. The messages are
// fw4's, so that our warnings can be compared with the vectors' `fw4_warnings`. Pure.
import type { UciPackage, UciSection } from '../../uci/model.js';
import { optionOf, sectionWarning } from './uci-options.js';

interface OptSpec<T> {
  parse: (value: string) => T | undefined;
  def?: string;
  required?: boolean;
}

export class Fw4Section {
  /** False once an option was invalid: fw4 stops parsing there. */
  ok = true;

  constructor(
    private readonly pkg: UciPackage,
    readonly section: UciSection,
    private readonly warnings: string[],
  ) {}

  warn(message: string): void {
    this.warnings.push(sectionWarning(this.pkg, this.section, message));
  }

  /** A single-valued option; undefined when unset (and no default) or once the section is invalid. */
  one<T>(name: string, spec: OptSpec<T>): T | undefined {
    if (!this.ok) return undefined;
    let value = optionOf(this.section, name);
    if (value === undefined) {
      if (spec.required) return this.fail(`option '${name}' is mandatory but not set`);
      value = spec.def;
    }
    if (Array.isArray(value)) return this.fail(`option '${name}' must not be a list`);
    if (value === undefined) return undefined;
    const parsed = spec.parse(value);
    if (parsed === undefined) return this.fail(`option '${name}' specifies invalid value '${value}'`);
    return parsed;
  }

  /** A list-typed option: `list` items whole, an `option` value split on whitespace. */
  many<T>(name: string, spec: OptSpec<T | T[]>): T[] {
    if (!this.ok) return [];
    let value = optionOf(this.section, name);
    if (value === undefined) {
      if (spec.required) {
        this.fail(`option '${name}' is mandatory but not set`);
        return [];
      }
      value = spec.def;
    }
    if (value === undefined) return [];
    const items = Array.isArray(value) ? value : value.trim().split(/[ \t\r\n]+/).filter((x) => x !== '');
    const out: T[] = [];
    for (const item of items) {
      const parsed = spec.parse(item);
      if (parsed === undefined) {
        this.fail(`option '${name}' specifies invalid value '${item}'`);
        return [];
      }
      if (Array.isArray(parsed)) out.push(...parsed);
      else out.push(parsed);
    }
    return out;
  }

  /** fw4's closing checks: skipped when invalid, else a warning per unknown or unsupported option. */
  finish(known: readonly string[], unsupported: readonly string[] = []): boolean {
    if (!this.ok) {
      this.warn('skipped due to invalid options');
      return false;
    }
    for (const name of unsupported) {
      if (optionOf(this.section, name) !== undefined) this.warn(`option '${name}' is not supported by fw4`);
    }
    const seen = new Set<string>();
    for (const o of this.section.options) {
      if (seen.has(o.name)) continue;
      seen.add(o.name);
      if (!known.includes(o.name) && !unsupported.includes(o.name)) this.warn(`specifies unknown option '${o.name}'`);
    }
    return true;
  }

  private fail(message: string): undefined {
    this.warn(message);
    this.ok = false;
    return undefined;
  }
}

/** Option names fw4 knows per section type (its parse_options specs), for unknown-option warnings. */
export const KNOWN_OPTIONS = {
  defaults: ['input', 'output', 'forward', 'drop_invalid', 'tcp_reject_code', 'any_reject_code', 'syn_flood',
    'synflood_protect', 'synflood_rate', 'synflood_burst', 'tcp_syncookies', 'tcp_ecn', 'tcp_window_scaling',
    'accept_redirects', 'accept_source_route', 'auto_helper', 'flow_offloading', 'flow_offloading_hw', 'auto_includes'],
  zone: ['enabled', 'name', 'family', 'network', 'device', 'subnet', 'input', 'output', 'forward', 'masq',
    'masq_allow_invalid', 'masq_src', 'masq_dest', 'masq6', 'mtu_fix', 'log', 'log_limit', 'auto_helper', 'helper',
    'counter'],
  forwarding: ['enabled', 'name', 'family', 'src', 'dest'],
  rule: ['enabled', 'name', '_name', 'family', 'src', 'dest', 'device', 'direction', 'ipset', 'helper', 'set_helper',
    'proto', 'src_ip', 'src_mac', 'src_port', 'dest_ip', 'dest_port', 'icmp_type', 'limit', 'limit_burst', 'utc_time',
    'start_date', 'stop_date', 'start_time', 'stop_time', 'weekdays', 'mark', 'set_mark', 'set_xmark', 'dscp',
    'set_dscp', 'counter', 'log', 'log_limit', 'target'],
  redirect: ['enabled', 'name', '_name', 'family', 'src', 'dest', 'ipset', 'helper', 'proto', 'src_ip', 'src_mac',
    'src_port', 'src_dip', 'src_dport', 'dest_ip', 'dest_port', 'limit', 'limit_burst', 'utc_time', 'start_date',
    'stop_date', 'start_time', 'stop_time', 'weekdays', 'mark', 'reflection', 'reflection_src', 'reflection_zone',
    'counter', 'log', 'log_limit', 'target'],
} as const;

export const UNSUPPORTED_OPTIONS = {
  defaults: ['custom_chains', 'disable_ipv6'],
  zone: ['extra', 'extra_src', 'extra_dest', 'custom_chains'],
  forwarding: [],
  rule: ['extra', 'monthdays'],
  redirect: ['extra', 'monthdays'],
} as const;
