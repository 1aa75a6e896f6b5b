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
  /** A branch's staging code (v2 `scripts/save` with `branch`): agents on that branch's staging run it. */
  stagingSaved: 'ScriptStagingSaved',
  /** `branches/release`: the branch's staging code becomes its release code. */
  released: 'ScriptReleased',
  /** The org's branches (stream `script_branches-<orgId>`). */
  branchCreated: 'ScriptBranchCreated',
  branchDeleted: 'ScriptBranchDeleted',
} as const;
export type ScriptEventType = (typeof ScriptEventType)[keyof typeof ScriptEventType];

export const SCRIPT_NAME_STREAM_TYPE = 'script_name';
/** One stream per org holds its script branches: creating two of one name cannot both win. */
export const SCRIPT_BRANCHES_STREAM_TYPE = 'script_branches';
export const scriptBranchesStreamId = (orgId: number): string => `${SCRIPT_BRANCHES_STREAM_TYPE}-${orgId}`;
/** Every org has this branch; a save without `branch` writes both its environments (one version, live at once). */
export const MASTER_BRANCH = 'master';
/** `^[\w-]{1,50}$`, the v2 document's branch names. */
export const BRANCH_NAME_PATTERN = /^[A-Za-z0-9_-]{1,50}$/;
export const SCRIPT_ENVIRONMENTS = ['staging', 'release'] as const;
export type ScriptEnvironment = (typeof SCRIPT_ENVIRONMENTS)[number];
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

/** The whole staging code of one branch of the script (release is untouched until `branches/release`). */
export interface ScriptStagingSavedData {
  scriptId: number;
  orgId: number;
  name: string;
  branch: string;
  text: string;
  savedAt: number;
  savedBy: ScriptSavedBy;
}

/** The branch's staging code, as it is at this point of the script's stream, is its release code from now on. */
export interface ScriptReleasedData {
  scriptId: number;
  orgId: number;
  name: string;
  branch: string;
  releasedAt: number;
  releasedBy: ScriptSavedBy;
}

export interface ScriptBranchCreatedData {
  orgId: number;
  /** Per org, 1, 2, …; `master` is 0. */
  branchId: number;
  name: string;
  createdAt: number;
  createdBy: ScriptSavedBy;
}

export interface ScriptBranchDeletedData {
  orgId: number;
  branchId: number;
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
  | { type: typeof ScriptEventType.nameReleased; data: ScriptNameClaimData }
  | { type: typeof ScriptEventType.stagingSaved; data: ScriptStagingSavedData }
  | { type: typeof ScriptEventType.released; data: ScriptReleasedData }
  | { type: typeof ScriptEventType.branchCreated; data: ScriptBranchCreatedData }
  | { type: typeof ScriptEventType.branchDeleted; data: ScriptBranchDeletedData };
