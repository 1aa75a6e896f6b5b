import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

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
  const dir = mkdtempSync(join(tmpdir(), 'projection-types-'));
  try {
    const file = join(dir, 'fixture.ts');
    writeFileSync(join(dir, 'package.json'), '{"type": "module"}');
    writeFileSync(file, FIXTURE);
    const program = ts.createProgram([file], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    });
    const errorLines = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName === file)
      .map((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line + 1);
    const lines = FIXTURE.split('\n');
    const expected = lines.flatMap((line, i) => (line.includes('// EXPECT-ERROR') ? [i + 1] : []));
    expect(expected).toHaveLength(4);
    expect([...new Set(errorLines)].sort((a, b) => a - b)).toEqual(expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
