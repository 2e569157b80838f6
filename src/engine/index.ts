// The engine's public face: operations (journaled, one at a time), read-only views, and the
// types the CLI and the daemon build an EngineContext from.
export type { EngineContext, EngineSettings, Reporter } from './types.js';
export { silentReporter } from './types.js';
export {
  installChute, removeChute, setRunState, setResources, reconcile,
  type OperationResult, type RunVerb, type ResourceRequest,
} from './operations.js';
export { listChutes, chuteStatus, type ChuteSummary, type ChuteStatus, type InterfaceStatus } from './inspect.js';
export { readLogs, followLogs, type LogsOptions } from './logs.js';
export { loadChuteSource, type ChuteFromSource } from './source.js';
export type { EngineState, ChuteRecord, ResourceOverrides } from './state.js';
