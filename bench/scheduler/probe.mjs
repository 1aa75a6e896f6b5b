// Loaded into the scheduler process (`node --expose-gc --import probe.mjs`): on the parent's 'probe'
// message it collects garbage and answers the process's own memory and CPU figures.
process.on('message', (message) => {
  if (message !== 'probe') return;
  globalThis.gc?.();
  process.send({ memory: process.memoryUsage(), cpu: process.cpuUsage() });
});
