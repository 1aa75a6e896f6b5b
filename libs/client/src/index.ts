export {
  AgentryClient,
  type AgentryClientOptions,
  type AnswerOf,
  type BodyOf,
  type CallInput,
  type OperationId,
  type PathOf,
  type QueryOf,
  type RunEvent,
  type components,
} from './client.js';
export { AgentryApiError, AgentryConnectionError, AgentryError, AgentryResponseError, type FieldError } from './errors.js';
export { OPERATIONS } from './operations.js';
export { readSse, type SseMessage } from './sse.js';
export type { operations, paths } from './api-types.js';
