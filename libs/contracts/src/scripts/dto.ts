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
}

export interface SaveScriptResult {
  id: number;
  created: boolean;
  nonce: number;
}

export interface FetchScriptByIdParams {
  id: number;
  withoutText?: boolean;
}

export interface FetchScriptByNameParams {
  name: string;
  withoutText?: boolean;
}

export type ListScriptsParams = Record<string, never>;

export interface DeleteScriptParams {
  id: number;
}

export interface DeleteScriptResult {
  id: number;
}
