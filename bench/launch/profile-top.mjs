// Summarises .cpuprofile files (from cpu-budget.mjs BENCH_CPU_PROF): self time by function and by
// package/file, the heaviest first. Usage: node bench/launch/profile-top.mjs <file-or-dir> [top=25]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [target, topArg] = process.argv.slice(2);
const TOP = Number(topArg ?? 25);
const files = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(target, f))
  : [target];

const byFunction = new Map();
const byFile = new Map();
const byAppFrame = new Map();
/** This repo's code (not node_modules): the frame a cost is charged to in "by caller". */
const isAppFrame = (url) => /\/(apps|libs)\/[^/]+\/(dist|src)\//.test(url) && !url.includes('node_modules');
let totalMs = 0;
const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
/** node_modules/<pkg> or the app/lib folder, so costs group by who owns them. */
const owner = (url) => {
  if (!url) return '(native / gc / idle)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const m = /(apps|libs)\/[^/]+\/(dist|src)\/(.*)$/.exec(url);
  return m ? `${url.slice(url.indexOf(m[1]))}` : url.replace(/^file:\/\//, '');
};

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = nodes.get(profile.samples[i]);
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    totalMs += ms;
    add(byFunction, `${functionName || '(anonymous)'} ${owner(url)}:${lineNumber + 1}`, ms);
    add(byFile, owner(url), ms);
    let frame = node;
    while (frame && !isAppFrame(frame.callFrame.url)) frame = parent.get(frame.id);
    add(
      byAppFrame,
      frame ? `${frame.callFrame.functionName || '(anonymous)'} ${owner(frame.callFrame.url)}:${frame.callFrame.lineNumber + 1}` : '(no app frame)',
      ms,
    );
  }
}
const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    console.log(`  ${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / totalMs).toFixed(1).padStart(5)}%  ${key}`);
  }
};
console.log(`${files.length} profile(s), ${totalMs.toFixed(0)} ms sampled (idle excluded)`);
print('self time by file / package', byFile);
print('self time by function', byFunction);
print("time by the nearest frame of this repo's code on the stack", byAppFrame);
