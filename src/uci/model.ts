// The in-memory model of one UCI package, as libuci holds it: an ordered list of sections, each an
// ordered list of options. Lists are arrays (order and duplicates kept). Anonymous sections carry
// the internal name libuci gives them (`cfgNNHHHH`) so that addressing and deltas can use it.

export type UciValue = string | string[];

export interface UciOption {
  name: string;
  /** A string for `option`, an array for `list` (a list may be empty only transiently). */
  value: UciValue;
}

export interface UciSection {
  type: string;
  /** Real name, or the generated `cfgNNHHHH` of an anonymous section. */
  name: string;
  anonymous: boolean;
  options: UciOption[];
}

export interface UciPackage {
  name: string;
  sections: UciSection[];
  /**
   * libuci's running section counter: every section ever created in this package (named,
   * anonymous, from deltas) increments it; anonymous names are derived from it.
   */
  sectionCounter: number;
}

/** A section as the compiler produces it: always named (paradrop owns only named `pd_` sections). */
export interface UciSectionSpec {
  type: string;
  name: string;
  options: UciOption[];
}
