import { DomainError, ErrorCode } from '@agentry/contracts';
import type { ExpectedVersion } from './types.js';

/** The stream was not at the expected version: someone else appended first. Nothing was written. */
export class ConcurrencyError extends DomainError {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(ErrorCode.CONCURRENCY_CONFLICT, `${streamId} was modified concurrently: expected version ${expected}, actual version ${actual}`);
    this.name = 'ConcurrencyError';
  }
}
