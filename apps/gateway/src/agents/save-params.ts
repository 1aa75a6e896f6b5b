import type { FastifyRequest } from 'fastify';
import type { SaveAgentParams } from '@agentry/contracts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The save fields exactly as sent, and where their values came from: a JSON body keeps its
 * types; query-string and form values are text the registry reads leniently ("30", "true").
 */
export function saveAgentParams(request: FastifyRequest, extra: Record<string, unknown> = {}): SaveAgentParams {
  const query = isObject(request.query) ? request.query : {};
  const body = isObject(request.body) ? request.body : {};
  const fields = { ...query, ...body, ...extra };
  const jsonBody = /application\/json/i.test(request.headers['content-type'] ?? '');
  if (!jsonBody) return { fields, encoding: 'text' };
  return { fields, encoding: 'json', textFields: Object.keys(query).filter((k) => !(k in body) && !(k in extra)) };
}
