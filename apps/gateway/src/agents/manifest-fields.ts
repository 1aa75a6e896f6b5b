import { validationFailed } from '@agentry/contracts';
import { readFlag, readList } from '../http/coerce.js';
import type { RawParams } from '../http/params.decorator.js';

/**
 * The v2 parameters about scripts' manifests and master / slave agents, answered with what Agentry
 * has rather than accepted and ignored:
 * - a script keeps no manifest (`scripts/save` does not store one), so `withManifest` answers
 *   `manifest: null` — the document's value for "none";
 * - agents have no master / slave links (`launchAfterAgentId` chains launches; it is not a slave
 *   link), so `withSlaves` answers `slaves: []` (and `withSubSlaves` needs `withSlaves`, as documented);
 * - `inputTypes` / `outputTypes` keep the agents whose script's manifest lists one of those types:
 *   no script has a manifest, so none is kept;
 * - `withAgentSlotsFactor`: every run of every agent takes one slot of its org (fair share counts
 *   containers), so `reservedAgentSlotsFactor` is 1.
 */
export function manifestExtras(p: RawParams): { manifest?: null; slaves?: [] } {
  const withSlaves = readFlag(p, 'withSlaves');
  if (readFlag(p, 'withSubSlaves') && !withSlaves) throw validationFailed([{ field: 'withSubSlaves', message: 'requires withSlaves=true' }]);
  return { ...(readFlag(p, 'withManifest') ? { manifest: null } : {}), ...(withSlaves ? { slaves: [] as [] } : {}) };
}

/** The documented pattern of an input / output type. */
const TYPE_NAME = /^[a-zA-Z0-9_-]{1,100}$/;

/** `inputTypes` / `outputTypes` of `agents/fetch-all` (a list, comma-separated text or one name): true when either filter is set. */
export function filtersByManifestTypes(p: RawParams): boolean {
  let filtered = false;
  for (const field of ['inputTypes', 'outputTypes'] as const) {
    const types = readList(p, field);
    if (!types) continue;
    if (!types.every((type) => TYPE_NAME.test(type))) {
      throw validationFailed([{ field, message: 'must be type names of 1 to 100 letters, digits, - or _ (a list or comma-separated)' }]);
    }
    filtered ||= types.length > 0;
  }
  return filtered;
}

/** `reservedAgentSlotsFactor` for `withAgentSlotsFactor`. */
export const slotsFactorOf = (p: RawParams): { reservedAgentSlotsFactor?: 1 } => (readFlag(p, 'withAgentSlotsFactor') ? { reservedAgentSlotsFactor: 1 } : {});
