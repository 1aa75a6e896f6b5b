import type { AgentLaunchSnapshot } from '@agentry/contracts';

export interface SecretOpener {
  open(sealed: string): string;
}

/**
 * The script's whole environment (the runner adds PATH/HOME/LANG/TMPDIR): nothing of the
 * executor's. The agent's credentials (the agents API) are opened only for an agent that has them, as
 * `AGENT_CREDENTIALS` (their JSON text).
 */
export function scriptEnv(snapshot: AgentLaunchSnapshot, box: SecretOpener): Record<string, string> {
  const sealed = snapshot.version.secrets.credentials;
  return sealed ? { AGENT_CREDENTIALS: box.open(sealed) } : {};
}

/**
 * `buster.proxyAddress`: the agent's http proxy, with its user and opened password when set;
 * '' without a proxy (pools and leases are not provided by this platform yet).
 */
export function proxyAddressOf(snapshot: AgentLaunchSnapshot, box: SecretOpener): string {
  const { proxyType, proxyAddress, proxyUsername } = snapshot.version.settings;
  if (proxyType !== 'http' || !proxyAddress) return '';
  const sealedPassword = snapshot.version.secrets.proxyPassword;
  if (!proxyUsername) return proxyAddress;
  try {
    const url = new URL(/^[a-z]+:\/\//i.test(proxyAddress) ? proxyAddress : `http://${proxyAddress}`);
    url.username = proxyUsername;
    if (sealedPassword) url.password = box.open(sealedPassword);
    return url.toString().replace(/\/$/, '');
  } catch {
    return proxyAddress;
  }
}
