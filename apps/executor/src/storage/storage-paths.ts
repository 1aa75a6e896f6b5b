import { isAbsolute, join, normalize, sep } from 'node:path';
import { validationFailed } from '@agentry/contracts';

/** `<storageDir>/<orgId>/<agent storage folder>`: an agent's persistent files. */
export const agentStorageRoot = (storageDir: string, orgId: number, storageFolder: string): string => {
  if (!/^[A-Za-z0-9_-]+$/.test(storageFolder)) throw new Error(`unexpected storage folder name ${JSON.stringify(storageFolder)}`);
  return join(storageDir, String(orgId), storageFolder);
};

/** The URL path a saved file is served at (the gateway serves it to the agent's org only). */
export const storedFileUrl = (agentId: number, relativePath: string): string =>
  `/api/v1/agent/${agentId}/storage/${relativePath.split('/').filter(Boolean).map(encodeURIComponent).join('/')}`;

/** A client-given path inside an agent's folder: relative, no `..`, no NUL. Answers it normalised with `/`. */
export function safeRelativePath(path: unknown): string {
  const fail = (message: string) => validationFailed([{ field: 'path', message }]);
  if (typeof path !== 'string' || path.length === 0 || path.length > 1024) throw fail('must be a file path of 1 to 1024 characters');
  if (path.includes('\0')) throw fail('must not contain NUL');
  const normalised = normalize(path.replace(/^\/+/, ''));
  if (isAbsolute(normalised) || normalised === '.' || normalised.split(sep).includes('..')) throw fail('must stay inside the agent storage folder');
  return normalised.split(sep).join('/');
}
