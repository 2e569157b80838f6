// The UCI codec's public surface: parse and serialise UCI files like libuci, address and edit
// packages like the uci CLI (with delta files), and edit paradrop's own sections losslessly.
// Everything here is pure except store-fs.js, which is exported separately on purpose (it has
// FsUciStore, writeFileAtomic and the byte-exact readConfigFile/writeConfigFile).
export type { UciOption, UciPackage, UciSection, UciSectionSpec, UciValue } from './model.js';
export { UciError, UciParseError, formatUciError, type UciErrorText } from './errors.js';
export { parseUci, parseUciLayout, type ParseOptions, type StatementSpan, type UciLayout } from './parse.js';
export { exportUci, exportUciBody, serializeSection, quoteValue, escapeQuote, type ExportOptions } from './export.js';
export { showUci, showSection, showOption, getUci, formatGetValue, type ShowOptions } from './show.js';
export { parsePtr, lookupPtr, findExtendedSection, type UciPtr, type UciLookup } from './address.js';
export { anonymousName, djbHash, isValidName, isValidType, isValidPackageName, isValidText } from './names.js';
export {
  addSection,
  setValue,
  addListItem,
  delListItem,
  deleteEntry,
  renameEntry,
  reorderEntry,
  type DeltaEntry,
  type DeltaCommand,
} from './edit.js';
export { applyDelta, applyDeltaEntry, formatDeltaLine, formatChanges, readDeltaLines, type DeltaLine } from './delta.js';
export {
  MemoryUciStore,
  loadPackage,
  saveChanges,
  commitPackage,
  revertChanges,
  readPackageTexts,
  type UciStore,
  type LoadedPackage,
  type LoadOptions,
  type PackageTexts,
} from './store.js';
export { runUciCommand, defaultCommandOptions, type UciCommandOptions, type UciOutput } from './commands.js';
export { runBatch, batchLines } from './batch.js';
export { replaceOwnedSections, type ReplaceOptions } from './owned-sections.js';
export {
  decodeConfigBytes,
  decodeAs,
  decodeTogether,
  encodeConfigText,
  isUtf8Bytes,
  toFileText,
  fromFileText,
  type ConfigEncoding,
  type DecodedText,
} from './encoding.js';
export { diffToBatch } from './diff-batch.js';
export { normalizeSpecs, sectionMatches, type OwnershipTest } from './section-spec.js';
