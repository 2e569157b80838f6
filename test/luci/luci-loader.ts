// Loads the LuCI view files under files/www/luci-static/resources/view/paradrop/ in node the way
// LuCI does (the file body becomes a function whose parameters are the `'require X [as Y]'`
// modules), with test doubles for LuCI's modules (there is no browser or LuCI runtime here): a
// recording rpc, a fake E() that builds plain trees, and stubs for ui, poll, dom and form.
// Also lists the static facts the consistency tests need: the require lines and every
// rpc.declare({...}) literal with its object, method and params.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';

export const VIEW_DIR = join(process.cwd(), 'files/www/luci-static/resources/view/paradrop');

export function viewFiles(): string[] {
  return readdirSync(VIEW_DIR).filter((f) => f.endsWith('.js')).sort();
}

export function viewSource(file: string): string {
  return readFileSync(join(VIEW_DIR, file), 'utf8');
}

export interface RequireLine { module: string; as: string }

/** LuCI's header: `'use strict';` then `'require X';` / `'require X as Y';` lines before the code. */
export function requiresOf(src: string): RequireLine[] {
  const out: RequireLine[] = [];
  for (const m of src.matchAll(/^'require ([A-Za-z0-9_.]+)(?: as ([A-Za-z_][A-Za-z0-9_]*))?';$/gm)) {
    const module = m[1]!;
    out.push({ module, as: m[2] ?? module });
  }
  return out;
}

export interface Declaration { object: unknown; method: unknown; params: unknown; text: string }

/** Every `rpc.declare({...})` literal, read as a JS object literal. */
export function declarationsOf(src: string): Declaration[] {
  const out: Declaration[] = [];
  let at = src.indexOf('rpc.declare(');
  while (at >= 0) {
    const open = src.indexOf('{', at);
    let depth = 0;
    let end = open;
    for (; end < src.length; end++) {
      if (src[end] === '{') depth++;
      else if (src[end] === '}' && --depth === 0) break;
    }
    const text = src.slice(open, end + 1);
    const lit = vm.runInNewContext(`(${text})`, {}) as Record<string, unknown>;
    out.push({ object: lit.object, method: lit.method, params: lit.params, text });
    at = src.indexOf('rpc.declare(', end);
  }
  return out;
}

// ---- a small LuCI runtime ----

export interface FakeNode { tag: string; attrs: Record<string, unknown>; children: FakeNode[]; text?: string }

function toNodes(x: unknown): FakeNode[] {
  if (x === undefined || x === null || x === '') return [];
  if (Array.isArray(x)) return x.flatMap(toNodes);
  if (typeof x === 'object' && 'tag' in (x as object)) return [x as FakeNode];
  return [{ tag: '#text', attrs: {}, children: [], text: String(x) }];
}

export function E(tag: unknown, attrs?: unknown, children?: unknown): FakeNode {
  if (attrs !== undefined && (Array.isArray(attrs) || typeof attrs !== 'object' || attrs === null || 'tag' in (attrs as object))) {
    children = attrs;
    attrs = {};
  }
  const node: FakeNode = { tag: Array.isArray(tag) ? '#fragment' : String(tag), attrs: (attrs ?? {}) as Record<string, unknown>, children: toNodes(children) };
  if (Array.isArray(tag)) node.children = toNodes(children);
  // The page code sets these on nodes it keeps.
  Object.defineProperty(node, 'innerHTML', { set: () => { node.children = []; } });
  Object.defineProperty(node, 'textContent', { set: (v: unknown) => { node.children = toNodes(String(v)); }, get: () => textOf(node) });
  (node as unknown as { appendChild(n: FakeNode): void }).appendChild = (n: FakeNode) => { node.children.push(n); };
  return node;
}

export function textOf(n: FakeNode): string {
  return n.tag === '#text' ? (n.text ?? '') : n.children.map(textOf).join('');
}

export function findAll(n: FakeNode, pred: (n: FakeNode) => boolean): FakeNode[] {
  return [...(pred(n) ? [n] : []), ...n.children.flatMap((c) => findAll(c, pred))];
}

/** LuCI's String.prototype.format, reduced to what the views use: %s %d %.Nf %%. */
function installFormat(): void {
  const proto = String.prototype as unknown as { format?: (...a: unknown[]) => string };
  if (proto.format) return;
  proto.format = function format(this: string, ...args: unknown[]): string {
    let i = 0;
    return this.replace(/%(%|s|d|\.(\d+)f)/g, (_m, spec: string, prec: string | undefined) => {
      if (spec === '%') return '%';
      const v = args[i++];
      if (spec === 'd') return String(Math.floor(Number(v) || 0));
      if (prec !== undefined) return (Number(v) || 0).toFixed(Number(prec));
      return String(v);
    });
  };
}

export type RpcHandler = (object: string, method: string, args: Record<string, unknown>) => unknown;

/**
 * LuCI's form.JSONMap reduced to what a dialog needs: sections and options are recorded, render()
 * gives a node, save() succeeds unless an option's validate() refuses, data.get() reads the data
 * object (which a test edits in place of a user).
 */
function fakeForm(env: { maps: any[] }): Record<string, unknown> {
  class JSONMap {
    sections: { name: string; options: Record<string, any> }[] = [];
    data: { get(config: string, section: string, option: string): unknown };
    constructor(readonly values: Record<string, Record<string, unknown>>, readonly title: unknown, readonly description: unknown) {
      this.data = { get: (config, section, option) => (config === 'json' ? this.values[section]?.[option] : undefined) };
      env.maps.push(this);
    }
    section(_cls: unknown, name: string) {
      const s = { name, options: {} as Record<string, any>, option: (_c: unknown, o: string, title: unknown) => (s.options[o] = { name: o, title }) };
      this.sections.push(s);
      return s;
    }
    render() { return Promise.resolve(E('div', { class: 'fake-map' }, [])); }
    save() {
      for (const s of this.sections) {
        for (const o of Object.values(s.options)) {
          const v = this.values[s.name]?.[o.name] ?? '';
          const ok = typeof o.validate === 'function' ? o.validate(s.name, v) : true;
          if (ok !== true) return Promise.reject(new Error(String(ok)));
        }
      }
      return Promise.resolve();
    }
  }
  return { JSONMap, NamedSection: 'NamedSection', Value: 'Value' };
}

export interface LuciEnv {
  maps: any[];
  modules: Record<string, unknown>;
  declared: Record<string, unknown>[];
  calls: { method: string; args: Record<string, unknown> }[];
  polls: { fn: () => unknown; interval: number }[];
  notifications: { title: unknown; body: FakeNode; cls: unknown }[];
  modals: { title: unknown; body: unknown }[];
  readonly: boolean;
  setHandler(h: RpcHandler): void;
}

/** Loads api.js, dialogs.js and chutes.js (or any view) with the doubles; `load(file)` returns the module value. */
export function luciEnv(opts: { readonly?: boolean } = {}): LuciEnv & { load(file: string): any } {
  installFormat();
  let handler: RpcHandler = () => ({});
  const env: LuciEnv & { load(file: string): any } = {
    modules: {}, declared: [], calls: [], polls: [], notifications: [], modals: [], maps: [],
    readonly: opts.readonly ?? false,
    setHandler(h) { handler = h; },
    load(file: string) {
      const src = viewSource(file);
      const reqs = requiresOf(src);
      const names = reqs.map((r) => r.as);
      const values = reqs.map((r) => {
        if (r.module.startsWith('view.paradrop.')) {
          const f = `${r.module.slice('view.paradrop.'.length)}.js`;
          return (env.modules[f] ??= env.load(f));
        }
        return stubs[r.module];
      });
      const fn = vm.runInThisContext(`(function(_, E, L, ${names.join(', ')}) {${src}\n})`, { filename: file }) as (...a: unknown[]) => unknown;
      const value = fn(translate, E, L, ...values);
      env.modules[file] = value;
      return value;
    },
  };
  const translate = (s: string): string => s;
  const L = {
    hasViewPermission: () => !env.readonly,
    bind: (f: (...a: unknown[]) => unknown, self: unknown) => f.bind(self),
    resolveDefault: (p: Promise<unknown>, d: unknown) => Promise.resolve(p).catch(() => d),
  };
  const rpc = {
    declare(o: Record<string, unknown>) {
      env.declared.push(o);
      return (...a: unknown[]) => {
        const params = (o.params as string[] | undefined) ?? [];
        const args: Record<string, unknown> = {};
        params.forEach((p, i) => { if (a[i] !== undefined) args[p] = a[i]; });
        env.calls.push({ method: String(o.method), args });
        return Promise.resolve().then(() => handler(String(o.object), String(o.method), args));
      };
    },
    getStatusText: (n: number) => `status ${n}`,
  };
  const stubs: Record<string, unknown> = {
    rpc,
    baseclass: { extend: (p: object) => p },
    view: { extend: (p: object) => p },
    dom: { content: (node: FakeNode, children: unknown) => { node.children = toNodes(children); return node; } },
    poll: { add: (fn: () => unknown, interval: number) => { env.polls.push({ fn, interval }); return true; }, remove: () => true },
    ui: {
      createHandlerFn: (ctx: unknown, fn: (...a: unknown[]) => unknown, ...args: unknown[]) => (...ev: unknown[]) => fn.apply(ctx, [...args, ...ev]),
      addNotification: (title: unknown, body: FakeNode, cls: unknown) => { env.notifications.push({ title, body, cls }); },
      showModal: (title: unknown, body: unknown) => { env.modals.push({ title, body }); },
      hideModal: () => undefined,
    },
    form: fakeForm(env),
  };
  return env;
}
