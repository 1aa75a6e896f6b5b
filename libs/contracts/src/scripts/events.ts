/**
 * Events of the scripts feature. A script lives in stream `script-<id>`; its name is held by a
 * claim stream `script_name-<orgId>-<name>` so two concurrent creates of one name cannot both win
 * (the loser's append on the claim stream fails its expected version).
 */
export const ScriptEventType = {
  saved: 'ScriptSaved',
  deleted: 'ScriptDeleted',
  nameClaimed: 'ScriptNameClaimed',
  nameReleased: 'ScriptNameReleased',
} as const;
export type ScriptEventType = (typeof ScriptEventType)[keyof typeof ScriptEventType];

export const SCRIPT_NAME_STREAM_TYPE = 'script_name';
export const scriptNameStreamId = (orgId: number, name: string): string => `${SCRIPT_NAME_STREAM_TYPE}-${orgId}-${name}`;

export interface ScriptSavedBy {
  userId: number;
  keyId: number;
}

/** Full snapshot of the script after the save, so the read model never needs earlier events. */
export interface ScriptSavedData {
  scriptId: number;
  orgId: number;
  name: string;
  text: string;
  source: string;
  /** 1 on creation, +1 on every later save. */
  nonce: number;
  /** Unix ms; `lastSaveDate`. */
  savedAt: number;
  /** Unix ms of the first save. */
  createdAt: number;
  savedBy: ScriptSavedBy;
}

export interface ScriptDeletedData {
  scriptId: number;
  orgId: number;
  name: string;
  deletedAt: number;
  deletedBy: ScriptSavedBy;
}

export interface ScriptNameClaimData {
  orgId: number;
  name: string;
  scriptId: number;
}

/** Every event of the scripts feature (script and script-name claim streams). */
export type ScriptEvent =
  | { type: typeof ScriptEventType.saved; data: ScriptSavedData }
  | { type: typeof ScriptEventType.deleted; data: ScriptDeletedData }
  | { type: typeof ScriptEventType.nameClaimed; data: ScriptNameClaimData }
  | { type: typeof ScriptEventType.nameReleased; data: ScriptNameClaimData };
