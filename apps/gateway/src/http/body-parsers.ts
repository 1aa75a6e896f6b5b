import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RawServerDefault } from 'fastify';
import { validationFailed } from '@agentry/contracts';
import { bodyText, decodePairs, jsonProblems, MAX_JSON_DEPTH, nestsDeeperThan, refuse } from './request-text.js';

/**
 * The gateway's two body parsers, in place of Nest's defaults: the same JSON and form-urlencoded
 * decoding, but strict about text (see request-text.ts): invalid UTF-8, NUL and unpaired
 * surrogates answer 400 naming the field instead of being silently replaced or reaching Postgres.
 * Registered before `listen()`, so Nest skips its own parsers for these types.
 */
export function useStrictBodyParsers(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  // Fastify's JSON parser, with Nest's default of refusing `__proto__` / `constructor.prototype`.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');

  // Typed for the HTTP server the app runs on (fastify's default), the server parseJson is typed for.
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    const text = bodyText(body);
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw validationFailed([{ field: 'body', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }]);
    parseJson(request, text, (error, parsed) => {
      if (error) return done(error, undefined);
      try {
        refuse(jsonProblems(parsed));
      } catch (problem) {
        return done(problem as Error, undefined);
      }
      done(null, parsed);
    });
  });

  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit }, (_request, body, done) => {
    // latin1: one char per byte, so percent-decoding sees raw non-ASCII bytes too and checks them as UTF-8.
    const { pairs, problems } = decodePairs(body.toString('latin1'), true);
    refuse(problems);
    // No prototype, like fast-querystring's result; `__proto__` is refused as Nest does, since the
    // params are later spread onto ordinary objects.
    const form: Record<string, string | string[]> = Object.create(null);
    for (const [name, value] of pairs) {
      if (name === '__proto__') throw validationFailed([{ field: name, message: 'is not an accepted parameter name' }]);
      // Repeated names collect into an array, pushed in place: a body of 300,000 `a=&` pairs must
      // cost linear time, not a copy per pair.
      const previous = form[name];
      if (previous === undefined) form[name] = value;
      else if (Array.isArray(previous)) previous.push(value);
      else form[name] = [previous, value];
    }
    done(null, form);
  });
}
