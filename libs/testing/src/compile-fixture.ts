import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** What the compiler said about a fixture: the lines it reports errors on, and the lines marked to. */
export interface FixtureVerdict {
  /** 1-based, each once, in order. */
  errorLines: number[];
  /** The lines ending in `// EXPECT-ERROR`. */
  expectedLines: number[];
  /** The compiler's messages, for a failing test's output. */
  messages: string[];
}

/**
 * Compiles `fixture` (strict, NodeNext, an ES module importing modules by absolute path) in a folder of
 * its own and answers where the compiler found errors: a test of rules that only exist for the compiler
 * (e.g. an event union narrowing a handler's data) writes what must compile and, on lines of their own,
 * each misuse marked `// EXPECT-ERROR`, then expects `errorLines` to equal `expectedLines`.
 */
export function compileFixture(fixture: string): FixtureVerdict {
  const dir = mkdtempSync(join(tmpdir(), 'compile-fixture-'));
  try {
    const file = join(dir, 'fixture.ts');
    writeFileSync(join(dir, 'package.json'), '{"type": "module"}');
    writeFileSync(file, fixture);
    const program = ts.createProgram([file], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      experimentalDecorators: true,
      types: ['node'],
      typeRoots: [fileURLToPath(new URL('../../../node_modules/@types', import.meta.url))],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
    const errorLines = [...new Set(diagnostics.map((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line + 1))].sort((a, b) => a - b);
    const expectedLines = fixture.split('\n').flatMap((line, i) => (line.includes('// EXPECT-ERROR') ? [i + 1] : []));
    const messages = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    return { errorLines, expectedLines, messages };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
