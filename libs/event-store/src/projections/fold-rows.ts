/**
 * The fold of a set-based `applyBatch`: the batch's events folded, in log order, into the rows they touch.
 * `stored` holds the rows as they are by key (a key without a row: none yet); `keyOf` names the row an
 * event folds into (undefined: none, the event is skipped); `fold` answers the row after one event — the
 * same object when the event changes nothing, undefined while there is still no row. Answers the rows that
 * changed, in their final state, by key: what the batch writes (one upsert), so live batches of any cut and
 * a rebuild give the same rows as applying the events one at a time.
 */
export function foldRows<K, R, E>(
  stored: ReadonlyMap<K, R>,
  events: readonly E[],
  keyOf: (event: E) => K | undefined,
  fold: (row: R | undefined, event: E) => R | undefined,
): Map<K, R> {
  const current = new Map(stored);
  const changed = new Map<K, R>();
  for (const event of events) {
    const key = keyOf(event);
    if (key === undefined) continue;
    const before = current.get(key);
    const after = fold(before, event);
    if (after !== undefined && after !== before) {
      current.set(key, after);
      changed.set(key, after);
    }
  }
  return changed;
}
