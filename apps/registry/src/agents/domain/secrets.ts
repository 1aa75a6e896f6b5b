import type { AgentSecretsSnapshot } from '@agentry/contracts';
import type { PlainSecretsPatch } from './parse-save-input.js';

export interface Sealer {
  seal(plaintext: string): string;
}

/** Seals each secret sent (null clears it); absent secrets stay absent, so an update keeps them. */
export function sealSecrets(plain: PlainSecretsPatch, box: Sealer): Partial<AgentSecretsSnapshot> {
  const sealed: Partial<AgentSecretsSnapshot> = {};
  for (const key of ['proxyPassword', 'credentials'] as const) {
    const value = plain[key];
    if (value !== undefined) sealed[key] = value === null ? null : box.seal(value);
  }
  return sealed;
}

export const NO_SECRETS: AgentSecretsSnapshot = Object.freeze({ proxyPassword: null, credentials: null });
