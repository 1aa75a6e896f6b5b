import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Folder of `@agentry/runtime`'s script side (bootstrap + API), run unbuilt inside the child. */
export const runtimeScriptDir: string = dirname(createRequire(import.meta.url).resolve('@agentry/runtime/script-dir'));
export const bootstrapFile = 'bootstrap.cjs';
export const bootstrapPath: string = join(runtimeScriptDir, bootstrapFile);

/** The names a script may load the runtime by; each resolves to runtimeScriptDir. */
export const runtimeModuleNames = ['phantombuster', 'agentry', '@agentry/runtime'] as const;
