// Slot ids: 3 characters [a-z0-9], one per chute, from which all of its names derive (names.ts).
// Preferred slot = base36(FNV-1a(name) mod 36^3); taken: probe the next value, wrapping around.
// Recorded slots (ChuteInput.slot, fixed at install) always win; new chutes are assigned in sorted
// name order so the result never depends on the order chutes are given in.
import { fnv1a32 } from './hash.js';
import { type ProblemList, q } from './problems.js';

export const SLOT_SPACE = 36 ** 3;
const SLOT = /^[a-z0-9]{3}$/;

export function preferredSlot(chuteName: string): number {
  return fnv1a32(chuteName) % SLOT_SPACE;
}

export function formatSlot(value: number): string {
  return value.toString(36).padStart(3, '0');
}

export function parseSlot(slot: string): number | undefined {
  return SLOT.test(slot) ? parseInt(slot, 36) : undefined;
}

export interface SlotRequest {
  name: string;
  recorded?: string;
}

/**
 * Slot by chute name. `requests` must be sorted by name. Problems: a recorded slot that is
 * malformed, or recorded by two chutes (their device names would clash), or no slot left.
 */
export function assignSlots(requests: readonly SlotRequest[], problems: ProblemList): Map<string, string> {
  const owner = new Map<number, string>();
  const result = new Map<string, string>();
  for (const r of requests) {
    if (r.recorded === undefined) continue;
    const value = parseSlot(r.recorded);
    if (value === undefined) {
      problems.add('FIELD_INVALID', `${r.name}:slot`,
        `chute ${q(r.name)}: recorded slot ${q(r.recorded)} is not 3 characters of a-z and 0-9`,
        r.recorded, '3 characters [a-z0-9]');
      continue;
    }
    const other = owner.get(value);
    if (other !== undefined) {
      problems.add('DEVICE_NAME_INVALID', `${r.name}:slot`,
        `chutes ${q(other)} and ${q(r.name)} both have slot ${q(r.recorded)}, so their device and section names would clash`,
        r.recorded, 'a slot no other chute holds');
      continue;
    }
    owner.set(value, r.name);
    result.set(r.name, r.recorded);
  }
  for (const r of requests) {
    if (result.has(r.name) || r.recorded !== undefined) continue;
    const start = preferredSlot(r.name);
    let found: number | undefined;
    for (let k = 0; k < SLOT_SPACE; k++) {
      const candidate = (start + k) % SLOT_SPACE;
      if (!owner.has(candidate)) { found = candidate; break; }
    }
    if (found === undefined) {
      problems.add('SLOT_EXHAUSTED', `${r.name}:slot`, `chute ${q(r.name)}: all ${SLOT_SPACE} slots are taken`);
      continue;
    }
    owner.set(found, r.name);
    result.set(r.name, formatSlot(found));
  }
  return result;
}
