import type { ScriptWriteQuotas } from './script-write-quotas.js';
import { messagesOf, startExecutorTestbed, type ExecutorTestbed } from '../testing/executor-harness.js';

/**
 * The platform links every image a script saves from the run's messages (run-requests.ts). A hostile
 * script saving images without end cannot flood the messages that way: each link is one of the run's
 * messages, and once they are used up the images are still saved, just no longer linked.
 */
const QUOTAS: ScriptWriteQuotas = {
  runMaxMessages: 5,
  runMaxResultObjects: 10,
  runMaxObjectWrites: 10,
  runMaxWrittenBytes: 4 * 1024 * 1024,
  orgMaxWrittenBytes: 4 * 1024 * 1024,
  orgWindowSeconds: 3600,
};
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==';

const SAVES_IMAGES = `
import { buster } from '@agentry/runtime';
const urls = [];
for (let i = 0; i < 40; i++) urls.push(await buster.saveBase64('${PNG_BASE64}', 'shots/s' + i + '.png'));
await buster.saveText('a,b', 'table.csv');
console.log('SAVED ' + urls.length + ' ' + urls[39]);
`;

let bed: ExecutorTestbed;
beforeAll(async () => {
  bed = await startExecutorTestbed({ config: { scriptWrites: QUOTAS } });
});
afterAll(async () => {
  await bed?.close();
});

test('40 saved images: the first 5 are linked (the run message quota), every save still answers its URL; a CSV is never linked', async () => {
  const agentId = await bed.agentWithScript(SAVES_IMAGES);
  const { containerId } = await bed.launch({ agentId });
  const state = await bed.waitEnded(containerId, 60_000);
  expect(state.ended).toMatchObject({ status: 'complete', exitCode: 0 });
  expect((await bed.durableOutput(containerId)).toString()).toBe(`SAVED 40 /api/v1/agent/${agentId}/storage/shots/s39.png\n`);
  // Every message but the platform's lifecycle ones (`Agent finished …`, type success).
  const messages = messagesOf(await bed.containerEvents(containerId)).filter((message) => !message.text.startsWith('Agent '));
  expect(messages).toEqual(
    Array.from({ length: 5 }, (_, i) => ({ text: `Screenshot saved: /api/v1/agent/${agentId}/storage/shots/s${i}.png`, type: 'info', context: [] })),
  );
}, 90_000);
