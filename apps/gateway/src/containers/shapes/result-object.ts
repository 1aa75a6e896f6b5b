/** A result object travels as JSON text; v1 answers it as the object the script set (the text if it is not JSON). */
export function parseResultObject(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Seconds between start and end (0 when it never started). */
export const executionSeconds = (startedAt: number | null, endedAt: number | null): number =>
  startedAt === null || endedAt === null ? 0 : Math.round((endedAt - startedAt) / 1000);
