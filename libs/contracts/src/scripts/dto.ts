/** Wire shapes of `Subjects.scripts.*` (registry <-> gateway). Times are Unix milliseconds. */

export interface ScriptDto {
  id: number;
  name: string;
  source: string;
  /** Absent when the query asked `withoutText` (and always absent in lists). */
  text?: string;
  lastSaveDate: number;
  nonce: number;
  createdAt: number;
  /** Single fetches: the branches the script has code in (`master` first), and whether it was released there. */
  branches?: { id: number; name: string; released: boolean }[];
}

/** Create when no script has this name in the org, otherwise update it. */
export interface SaveScriptParams {
  name: string;
  /** Required on create; on update, absent keeps the current text. */
  text?: string;
  /** ≤ 20 letters, digits and spaces. Default `api` on create; absent keeps the current source on update. */
  source?: string;
  /** Refuse (ALREADY_EXISTS) when a script with this name exists. */
  insertOnly?: boolean;
  /**
   * v2 `branch`: write that branch's staging code only (release moves with `branches/release`).
   * Absent: the one-version save — both environments of `master`, live at once.
   */
  branch?: string;
}

export interface SaveScriptResult {
  id: number;
  created: boolean;
  nonce: number;
}

/** Which code a fetch answers as `text`: a branch (default `master`) and environment (default `release`). */
export interface ScriptCodeSelector {
  branch?: string;
  environment?: string;
}

export interface FetchScriptByIdParams extends ScriptCodeSelector {
  id: number;
  withoutText?: boolean;
}

export interface FetchScriptByNameParams extends ScriptCodeSelector {
  name: string;
  withoutText?: boolean;
}

/** A branch of the org's scripts; `master` (id 0) always exists. */
export interface ScriptBranchDto {
  id: number;
  name: string;
  createdAt: number;
}

export interface CreateScriptBranchParams {
  name: string;
}

export interface DeleteScriptBranchParams {
  id: number;
}

export interface ReleaseScriptBranchParams {
  name: string;
  scriptIds: number[];
}

export interface ReleaseScriptBranchResult {
  name: string;
  /** The scripts whose release code is now their staging code (those of the list that exist in the branch). */
  scriptIds: number[];
}

export interface ScriptBranchDiffParams {
  name: string;
}

/** A script of the branch and how much its staging code differs from its release code (0: the same). */
export interface ScriptBranchDiffDto {
  id: number;
  name: string;
  diffLength: number;
}

export type ListScriptsParams = Record<string, never>;

export interface DeleteScriptParams {
  id: number;
}

export interface DeleteScriptResult {
  id: number;
}
