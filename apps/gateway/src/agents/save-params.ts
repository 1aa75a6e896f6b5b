import type { FastifyRequest } from 'fastify';
import type { SaveAgentParams } from '@agentry/contracts';
import { decodeSaveFields } from './save-field-text.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The save fields as sent, with values that came as text decoded here: a JSON body keeps its types;
 * query-string and form values ("30", "true", "1,2") become what a JSON body would carry. The registry
 * reads one encoding (HTTP decoding stays in the gateway).
 */
export function saveAgentParams(request: FastifyRequest): SaveAgentParams {
  const query = isObject(request.query) ? request.query : {};
  const body = isObject(request.body) ? request.body : {};
  const fields = { ...query, ...body };
  const jsonBody = /application\/json/i.test(request.headers['content-type'] ?? '');
  const textFields = jsonBody ? Object.keys(query).filter((k) => !Object.hasOwn(body, k)) : Object.keys(fields);
  return { fields: decodeSaveFields(fields, textFields) };
}
