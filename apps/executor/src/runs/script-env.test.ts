import { snapshotOf } from '../containers/domain/fixtures.test-kit.js';
import { proxyAddressOf, scriptEnv } from './script-env.js';

const box = { open: (sealed: string) => sealed.replace(/^sealed:/, '') };
const withSecrets = (settings: object, secrets: object) => {
  const s = snapshotOf({ settings: settings as never });
  s.version.secrets = { proxyPassword: null, credentials: null, ...secrets };
  return s;
};

test('credentials reach the script only when the agent has them, opened', () => {
  expect(scriptEnv(withSecrets({}, {}), box)).toEqual({});
  expect(scriptEnv(withSecrets({}, { credentials: 'sealed:{"login":"a"}' }), box)).toEqual({ AGENT_CREDENTIALS: '{"login":"a"}' });
});

test('proxyAddress: the http proxy with its user and password; empty otherwise', () => {
  expect(proxyAddressOf(withSecrets({ proxyType: 'none' }, {}), box)).toBe('');
  expect(proxyAddressOf(withSecrets({ proxyType: 'http', proxyAddress: 'proxy.example:3128' }, {}), box)).toBe('proxy.example:3128');
  expect(
    proxyAddressOf(withSecrets({ proxyType: 'http', proxyAddress: 'http://proxy.example:3128', proxyUsername: 'bob' }, { proxyPassword: 'sealed:p@ss' }), box),
  ).toBe('http://bob:p%40ss@proxy.example:3128');
});
