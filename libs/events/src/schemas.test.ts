import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LIFECYCLE_EVENT_TYPES, lifecycleEventSchema, lifecycleFilterSubjects, lifecycleSchemaFileName, lifecycleSubject } from './index.js';

const DOCS = join(process.cwd(), 'docs/events');

test('docs/events holds exactly the package schemas, one file per type and version (npm run schemas -w @agentry/events writes them)', () => {
  const files = readdirSync(DOCS)
    .filter((f) => f.endsWith('.schema.json'))
    .sort();
  expect(files).toEqual(LIFECYCLE_EVENT_TYPES.map((t) => lifecycleSchemaFileName(t)).sort());
  for (const type of LIFECYCLE_EVENT_TYPES) {
    expect(JSON.parse(readFileSync(join(DOCS, lifecycleSchemaFileName(type)), 'utf8'))).toEqual(lifecycleEventSchema(type));
  }
});

test('subjects name the org as one numeric token: a crafted org id cannot widen a filter to other orgs', () => {
  expect(lifecycleSubject(42, 'container.ended')).toBe('agentry.events.v1.42.container.ended');
  expect(lifecycleFilterSubjects({ orgs: ['7'], types: [] })).toEqual(['agentry.events.v1.7.>']);
  expect(lifecycleFilterSubjects({})).toEqual(['agentry.events.v1.>']);
  for (const hostile of ['*', '>', '1.>', '1 2', '', '1.*', '-1']) {
    expect(() => lifecycleFilterSubjects({ orgs: [hostile] })).toThrow(/orgId must be a numeric id/);
  }
});
