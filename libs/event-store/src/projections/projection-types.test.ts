import { fileURLToPath } from 'node:url';
import { compileFixture } from '@agentry/testing';

/**
 * Projections are typed by the event union they read (projection.ts). These rules only exist for the
 * compiler, so the test compiles a small file against projection.ts and reads the compiler's answer:
 * what must compile does, and each misuse is an error on its own line.
 */
const projectionModule = fileURLToPath(new URL('./projection.ts', import.meta.url)).replace(/\.ts$/, '.js');

const FIXTURE = `
import { projectionOf, type Projection, type StoredEventOf } from ${JSON.stringify(projectionModule)};

type Ev = { type: 'Created'; data: { id: number } } | { type: 'Renamed'; data: { id: number; name: string } };
const reset = async () => {};

// Narrowing: each case reads its own type's data, without casts.
const fold = (e: StoredEventOf<Ev>): string => (e.type === 'Renamed' ? e.data.name : String(e.data.id));
export const typed: Projection<Ev> = { name: 'ok', eventTypes: ['Created', 'Renamed'], apply: async (e) => void fold(e), reset };
export const writers = projectionOf<Ev>({ name: 'ok', writers: { Renamed: async (d) => d.name.trim() }, reset });
// A typed projection is a Projection the runners hold.
export const held: Projection[] = [typed, writers];

export const e1: Projection<Ev> = { name: 'x', apply: async (e) => { if (e.type === 'Created') void e.data.name; }, reset }; // EXPECT-ERROR
export const e2: Projection<Ev> = { name: 'x', eventTypes: ['Deleted'], apply: async () => {}, reset }; // EXPECT-ERROR
export const e3 = projectionOf<Ev>({ name: 'x', writers: { Created: async (d) => d.name }, reset }); // EXPECT-ERROR
export const e4 = projectionOf<Ev>({ name: 'x', writers: { Deleted: async () => {} }, reset }); // EXPECT-ERROR
`;

test('a projection typed by its event union narrows event data by type; wrong data, types or writers do not compile', () => {
  const { errorLines, expectedLines } = compileFixture(FIXTURE);
  expect(expectedLines).toHaveLength(4);
  expect(errorLines).toEqual(expectedLines);
});
