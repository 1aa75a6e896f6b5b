// @agentry/platform-harness: the platform in the test's process for end-to-end tests, each
// service started through its public entry (@agentry/<app>), never another app's src.
export { startPlatform, type TestPlatform, type PlatformOptions } from './platform-harness.js';
export { startTestRegistry } from './registry.js';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
export type { RunningRegistry } from '@agentry/registry';
export type { RunningGateway } from '@agentry/gateway';
