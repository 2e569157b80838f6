// The chute file fetcher's public face: resolve a location, fetch into the hash-keyed cache,
// place (copy or safely unpack) into a chute's root, and report progress on the CLI.
export { DEFAULT_STORE, resolveLocation, storeFromSetting, splitStorePath, type Store, type Source, type ResolveOptions } from './resolve-location.js';
export { fetchToCache, type FetchOptions, type FetchResult } from './fetch-to-cache.js';
export { placeFile, type PlaceResult } from './place-file.js';
export { extractArchive, DEFAULT_EXTRACT_LIMITS, type ExtractLimits, type ExtractResult } from './extract.js';
export { cacheEntryPath, cleanCacheTemps, lookupCache } from './cache.js';
export { createProgressPrinter, formatProgress, formatBytes, type Progress, type PrinterOptions } from './progress.js';
