import { fileURLToPath } from 'node:url';
import { compileFixture } from '@agentry/testing';

/**
 * A consumer typed by an event union (consume-events.ts) hands each handler its type's events with typed
 * data. These rules only exist for the compiler, so the test compiles a small file against
 * consume-events.ts and reads the compiler's answer: what must compile does, each misuse is an error on
 * its own line (as projection-types.test.ts does for projections).
 */
const consumeModule = fileURLToPath(new URL('./consume-events.ts', import.meta.url)).replace(/\.ts$/, '.js');

const FIXTURE = `
import { consumeEvents } from ${JSON.stringify(consumeModule)};

type Ev = { type: 'Created'; data: { id: number } } | { type: 'Renamed'; data: { id: number; name: string } };
declare const settings: Omit<Parameters<typeof consumeEvents>[0], 'handle' | 'filterSubjects'>;

// Each handler reads its own type's data, without casts.
export const typed = consumeEvents<Ev>({ ...settings, streamType: 's', handlers: { Renamed: async (e) => void e.data.name.trim() } });
// Untyped consumers still get any event.
export const untyped = consumeEvents({ ...settings, filterSubjects: ['events.s.>'], handle: async (e) => void e.data });

export const e1 = consumeEvents<Ev>({ ...settings, streamType: 's', handlers: { Created: async (e) => void e.data.name } }); // EXPECT-ERROR
export const e2 = consumeEvents<Ev>({ ...settings, streamType: 's', handlers: { Deleted: async () => {} } }); // EXPECT-ERROR
export const e3 = consumeEvents<Ev>({ ...settings, handlers: { Created: async () => {} } }); // EXPECT-ERROR
export const e4 = consumeEvents({ ...settings, handle: async (e) => void e.data.id }); // EXPECT-ERROR
`;

test('a consumer typed by its event union narrows each handler to its type; wrong data, types or a missing stream type do not compile', () => {
  const { errorLines, expectedLines } = compileFixture(FIXTURE);
  expect(expectedLines).toHaveLength(4);
  expect(errorLines).toEqual(expectedLines);
});
