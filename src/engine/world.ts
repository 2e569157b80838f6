// Both sides of the planner's diff. targetWorld(): the state file compiled for this gateway (the
// plans, UCI sections and run states paradrop wants). observeWorld(): the system as it is now:
// containers and their configs, whether they run, whether each chute's disk is mounted, and
// paradrop's sections in the UCI files; what cannot be read back comes from the plans chutes were
// installed with (diff.ts). Nothing here is remembered between operations.
//
// One deployment detail is settled here: compile() binds chute-init from where the package
// installs it (/usr/lib/paradrop/chute-init); when paradrop runs from a source checkout,
// settings.chuteInit points at the checkout's copy and the LXC config is written with that path.
import type { RunState } from '../plan/steps.js';
import { compile } from '../plan/compile.js';
import { HOST_CHUTE_INIT } from '../plan/lxc-config.js';
import type { ChutePlan, DesiredState } from '../plan/types.js';
import { type CurrentWorld, type ObservedChute, type TargetWorld, type UciSections, UCI_PACKAGES } from '../plan/diff.js';
import { normalizeSpecs, parseUci } from '../uci/index.js';
import { CONTAINER_PREFIX } from '../platform/lxc/layout.js';
import { type EngineState, inputsOf } from './state.js';
import { isOwnedSection } from './steps.js';
import type { EngineContext, EngineSettings } from './types.js';

export interface CompiledState {
  desired: DesiredState;
  world: TargetWorld;
  plans: Map<string, ChutePlan>;
}

function adaptPlan(plan: ChutePlan, settings: EngineSettings): ChutePlan {
  if (settings.chuteInit === HOST_CHUTE_INIT) return plan;
  const from = `lxc.mount.entry = ${HOST_CHUTE_INIT} `;
  const lxcConfig = plan.lxcConfig.split('\n').map((l) => (l.startsWith(from) ? `lxc.mount.entry = ${settings.chuteInit} ${l.slice(from.length)}` : l)).join('\n');
  return { ...plan, lxcConfig };
}

function normalizedUci(desired: DesiredState): UciSections {
  const out = {} as UciSections;
  for (const pkg of UCI_PACKAGES) out[pkg] = [...normalizeSpecs(pkg, desired.uci[pkg], isOwnedSection).values()];
  return out;
}

/** Compiles the state for this gateway; `run` overrides recorded desired run states (restart). */
export function compileState(settings: EngineSettings, state: EngineState, run: Record<string, RunState> = {}): CompiledState {
  const desired = compile(settings.profile, inputsOf(state));
  const plans = new Map(desired.chutes.map((p) => [p.name, adaptPlan(p, settings)]));
  const chutes: TargetWorld['chutes'] = {};
  for (const [name, plan] of plans) chutes[name] = { plan, run: run[name] ?? state.chutes[name]!.desired };
  return { desired, world: { uci: normalizedUci(desired), chutes }, plans };
}

function toRunState(s: string): RunState {
  if (s === 'RUNNING' || s === 'STARTING') return 'running';
  if (s === 'FROZEN' || s === 'FREEZING') return 'frozen';
  return 'stopped';
}

/** Paradrop's sections as the UCI files hold them now. */
export async function observeUci(ctx: EngineContext): Promise<UciSections> {
  const out = {} as UciSections;
  for (const pkg of UCI_PACKAGES) {
    const text = await ctx.platform.readUci(pkg);
    const sections = text === null ? [] : parseUci(text, pkg).sections.filter(isOwnedSection);
    out[pkg] = sections.map((s) => ({ type: s.type, name: s.name, options: s.options }));
  }
  return out;
}

/** Names of the chutes paradrop has (installed) or had (containers or mounted directories left). */
export async function chuteNames(ctx: EngineContext, installed: ReadonlyMap<string, ChutePlan>): Promise<string[]> {
  const names = new Set(installed.keys());
  for (const c of await ctx.platform.listContainers()) names.add(c.name.slice(CONTAINER_PREFIX.length));
  for (const d of await ctx.platform.listChuteDirs(ctx.settings.profile.paths.chutes)) if (/^[a-z][a-z0-9-]{0,31}$/.test(d)) names.add(d);
  return [...names].sort();
}

/** The chutes `only` names (default: every one chuteNames finds), each observed, and the UCI files. */
export async function observeWorld(ctx: EngineContext, installed: ReadonlyMap<string, ChutePlan>,
  only?: readonly string[]): Promise<CurrentWorld> {
  const p = ctx.platform;
  const chutesDir = ctx.settings.profile.paths.chutes;
  const names = only ?? await chuteNames(ctx, installed);
  const chutes: Record<string, ObservedChute> = {};
  for (const name of [...names].sort()) {
    const plan = installed.get(name);
    const container = plan?.container ?? `${CONTAINER_PREFIX}${name}`;
    const dir = plan?.dir ?? `${chutesDir}/${name}`;
    const [lxcConfig, info, dirState] = await Promise.all([
      p.readContainerConfig(container), p.containerInfo(container), p.chuteDirState(dir),
    ]);
    if (plan === undefined && lxcConfig === null && dirState !== 'prepared') continue; // kept data only: not ours to touch
    const o: ObservedChute = { name, container, dir, lxcConfig, run: toRunState(info.state), prepared: dirState === 'prepared' };
    if (plan !== undefined) o.installed = plan;
    chutes[name] = o;
  }
  return { uci: await observeUci(ctx), chutes };
}
