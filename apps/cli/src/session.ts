import { AgentryClient } from '@agentry/client';
import { loadCredentials } from './config-file.js';

/** The options every command shares. */
export interface ReadOptions {
  json?: boolean;
}

/** A client for the saved (or environment's) gateway and key. */
export function connect(): AgentryClient {
  const { url, apiKey } = loadCredentials();
  return new AgentryClient({ url, apiKey, userAgent: 'agentry-cli' });
}
