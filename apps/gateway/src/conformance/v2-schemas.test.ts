import { conformanceErrors } from './conformance-test-kit.js';

/** Controls: the schemas refuse the answers that broke clients before (so the suite can fail). */

test('agents/fetch without s3Folder / orgS3Folder, or with a null fileMgmt, does not conform', () => {
  const good = { id: '1', launchType: 'manually', nbLaunches: 0, s3Folder: 'a', orgS3Folder: '2', fileMgmt: 'mix', updatedAt: 1 };
  expect(conformanceErrors('GET agents/fetch', good)).toBeNull();
  expect(conformanceErrors('GET agents/fetch', { ...good, s3Folder: undefined })).toMatch(/s3Folder/);
  expect(conformanceErrors('GET agents/fetch', { ...good, fileMgmt: null })).toMatch(/fileMgmt/);
});

test('agents/fetch-output with progress as an object, no canSoftAbort or runtime events without slug does not conform', () => {
  const good = { status: 'running', isAgentRunning: true, canSoftAbort: true, progress: 0.5, runtimeEvents: [{ slug: 'info', timestamp: 1 }] };
  expect(conformanceErrors('GET agents/fetch-output', good)).toBeNull();
  expect(conformanceErrors('GET agents/fetch-output', { ...good, progress: { progress: 0.5 } })).toMatch(/progress/);
  expect(conformanceErrors('GET agents/fetch-output', { ...good, canSoftAbort: undefined })).toMatch(/canSoftAbort/);
  expect(conformanceErrors('GET agents/fetch-output', { ...good, runtimeEvents: [{ text: 'x' }] })).toMatch(/slug/);
});

test('containers/fetch with a null olderContainerId does not conform', () => {
  const good = { id: '1', status: 'finished', createdAt: 1, launchType: 'manual', retryNumber: 0 };
  expect(conformanceErrors('GET containers/fetch', good)).toBeNull();
  expect(conformanceErrors('GET containers/fetch', { ...good, olderContainerId: null })).toMatch(/olderContainerId/);
});

test('a launch-sync line of an unknown type does not conform', () => {
  expect(conformanceErrors('POST agents/launch-sync', { type: 'heartbeat' })).toBeNull();
  expect(conformanceErrors('POST agents/launch-sync', { type: 'summary', data: { containerId: '1', executionTime: 3, exitCode: 0 } })).toBeNull();
  expect(conformanceErrors('POST agents/launch-sync', { type: 'summary', data: { containerId: 1 } })).not.toBeNull();
});

test('container metadata that is not an object, a manifest without slug, slaves that are not a list, a branch without id do not conform', () => {
  const container = { id: '1', status: 'finished', createdAt: 1, launchType: 'manual', retryNumber: 0 };
  expect(conformanceErrors('GET containers/fetch', { ...container, userCustomMetadata: { a: 1 }, internalMetadata: null })).toBeNull();
  expect(conformanceErrors('GET containers/fetch', { ...container, userCustomMetadata: '{"a":1}' })).toMatch(/userCustomMetadata/);
  const agent = { id: '1', launchType: 'manually', nbLaunches: 0, s3Folder: 'a', orgS3Folder: '2', fileMgmt: 'mix', updatedAt: 1 };
  expect(conformanceErrors('GET agents/fetch', { ...agent, manifest: null, slaves: [] })).toBeNull();
  expect(conformanceErrors('GET agents/fetch', { ...agent, manifest: { description: '' } })).toMatch(/slug/);
  expect(conformanceErrors('GET agents/fetch', { ...agent, slaves: {} })).toMatch(/slaves/);
  expect(conformanceErrors('POST branches/create', { id: '1', name: 'dev' })).toBeNull();
  expect(conformanceErrors('POST branches/create', { name: 'dev' })).toMatch(/id/);
});
