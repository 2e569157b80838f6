// Reads and writes the state file (<stateDir>/state.json) durably. Reading needs no lock (the file
// is replaced atomically, so a reader sees one whole version); writing happens only inside an
// operation, through the save-state step, which holds the lock.
import type { EngineSettings } from './types.js';
import { type EngineState, emptyState, parseState } from './state.js';
import { readOptional, restoreDurable } from '../platform/durable-file.js';

export interface LoadedState {
  state: EngineState;
  /** The file's bytes as read (null: no file yet): what save-state's undo puts back. */
  text: string | null;
}

export async function loadState(settings: EngineSettings): Promise<LoadedState> {
  const text = await readOptional(settings.stateFile);
  return { state: text === null ? emptyState() : parseState(text, settings.stateFile), text };
}

/** The state file's bytes as they are (null: none), unchecked: what save-state's undo puts back. */
export async function readStateText(settings: EngineSettings): Promise<string | null> {
  return readOptional(settings.stateFile);
}

/** Writes the state file's text (null removes it). */
export async function storeStateText(settings: EngineSettings, text: string | null): Promise<void> {
  await restoreDurable(settings.stateFile, text, 0o600);
}
