import { fileURLToPath } from 'node:url';

/** The repository root (deploy/local/lib/ is three levels below it). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
