#!/usr/bin/env node
// Writes docs/events/<type>.v1.schema.json from the built package (run `npm run build -w @agentry/events` first).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LIFECYCLE_EVENT_TYPES, lifecycleEventSchema, lifecycleSchemaFileName } from '../dist/index.js';

const dir = fileURLToPath(new URL('../../../docs/events/', import.meta.url));
mkdirSync(dir, { recursive: true });
for (const type of LIFECYCLE_EVENT_TYPES) {
  writeFileSync(`${dir}${lifecycleSchemaFileName(type)}`, `${JSON.stringify(lifecycleEventSchema(type), null, 2)}\n`);
}
console.log(`${LIFECYCLE_EVENT_TYPES.length} schemas in ${dir}`);
