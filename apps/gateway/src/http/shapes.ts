/** v1 (the v1 API) success envelope. */
export const jsend = <T>(data: T, message?: string) =>
  message === undefined ? { status: 'success' as const, data } : { status: 'success' as const, message, data };

/** v1 answers Unix seconds; the domain speaks milliseconds. */
export const toV1Time = (ms: number | null | undefined): number | null => (ms === null || ms === undefined ? null : Math.floor(ms / 1000));

/** v2 ids are strings. */
export const toV2Id = (id: number | null | undefined): string | null => (id === null || id === undefined ? null : String(id));
