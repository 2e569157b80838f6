// The LXC platform layer's public face: what the engine and the CLI may call. Everything else in
// this folder is an implementation detail.
export { DEFAULT_LXC_PATH, CONTAINER_PREFIX, CHUTE_PATHS, CHUTE_PATH_ENV, HOST_CHUTE_INIT, chuteLayout } from './layout.js';
export type { LxcOptions, ChuteLayout } from './layout.js';
export { detectCgroup, cgroupLayoutFrom } from './cgroup-detect.js';
export type { CgroupLayout, CgroupMode, CgroupMount } from './cgroup-detect.js';
export { locateContainerCgroup, containerCgroupFrom } from './cgroup-locate.js';
export type { ContainerCgroup } from './cgroup-locate.js';
export { readCgroupUsage, readCgroupUsageV1, readCgroupUsageV2 } from './cgroup-usage.js';
export type { CgroupUsage } from './cgroup-usage.js';
export { setLimits, writeLimits, readContainerUsage, containerCgroup } from './cgroup-limits.js';
export { prepareChuteDirs, destroyChuteDirs } from './chute-dirs.js';
export { chuteEtcFiles } from './chute-etc.js';
export { checkProgramsExist, findProgramInChute } from './check-programs.js';
export { chuteViewOf, hostPathOf, resolveInChute } from './chute-view.js';
export { toProgramsFile, writeProgramsFile, shellQuote, DEFAULT_LOG_MAX_BYTES } from './programs-file.js';
export { parseStatusFile, readChuteStatus } from './chute-status.js';
export type { ProgramStatus, ProgramState } from './chute-status.js';
export { containerInfo, listContainers, waitForState, parseLxcInfo } from './container-state.js';
export type { ContainerInfo, ContainerState } from './container-state.js';
export {
  createContainer, startContainer, stopContainer, destroyContainer, freezeContainer, unfreezeContainer,
} from './container.js';
export { execInContainer, signalContainerInit } from './container-exec.js';
export type { ToolResult } from './run-tool.js';
