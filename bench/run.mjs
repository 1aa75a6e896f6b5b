// `npm run bench`: runs every benchmark (bench/<name>/run.mjs) one after the other, or only
// those named on the command line (`npm run bench -- event-store`). Figures are printed, never asserted.
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUMMARY_MARK } from './summary.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'run.mjs')))
  .map((d) => d.name)
  .filter((name) => wanted.length === 0 || wanted.includes(name));

/** Runs one bench, its output passed through; answers its exit code and the figures it marked (summary.mjs). */
function runBench(name) {
  return new Promise((resolve) => {
    const figures = [];
    const child = spawn(process.execPath, [join(here, name, 'run.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    readline.createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      if (line.startsWith(SUMMARY_MARK)) figures.push(JSON.parse(line.slice(SUMMARY_MARK.length)));
      else console.log(line);
    });
    child.on('close', (code) => resolve({ code, figures }));
  });
}

let failed = 0;
const table = [];
for (const name of benches) {
  console.log(`\n=== bench/${name} ===`);
  const { code, figures } = await runBench(name);
  if (code !== 0) failed += 1;
  if (figures.length === 0) table.push({ bench: name, measure: code === 0 ? '(see its output above)' : `failed (exit ${code})` });
  table.push(...figures);
}
const cell = (v) => (v === undefined || v === null ? '' : String(v));
console.log('\n=== all benches: each figure beside its raw baseline, measured in the same run ===\n');
console.log('| bench | measure | figure | raw baseline | ratio | aim |');
console.log('|---|---|---|---|---|---|');
for (const f of table) console.log(`| ${[f.bench, f.measure, f.figure, f.baseline, f.ratio, f.aim].map(cell).join(' | ')} |`);
process.exit(failed ? 1 : 0);
