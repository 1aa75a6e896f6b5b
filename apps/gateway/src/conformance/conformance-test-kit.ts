import { Ajv } from 'ajv';
import { V2_ANSWERS } from './v2-schemas.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map(Object.entries(V2_ANSWERS).map(([operation, schema]) => [operation, ajv.compile(schema)]));

/** null when `body` is a valid answer of `operation` (`METHOD group/name`), else the schema errors as text. */
export function conformanceErrors(operation: string, body: unknown): string | null {
  const validate = validators.get(operation);
  if (!validate) throw new Error(`no schema for ${operation}`);
  return validate(body) ? null : ajv.errorsText(validate.errors, { dataVar: 'answer', separator: '; ' });
}
