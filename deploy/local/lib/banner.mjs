/** What `npm start` prints once the gateway answers: URL, admin key and a first-steps curl. */

const KEY_HEADER = 'X-Phantombuster-Key-1';

/**
 * Copy-paste shell lines that create a script (v1), an agent running it (v2) and fetch the
 * agent. `keyExpression` is shell text for the key: a quoted literal or a variable.
 */
export function curlExample(url, keyExpression) {
  const auth = `-H "${KEY_HEADER}: $KEY"`;
  return [
    `KEY=${keyExpression}; URL='${url}'`,
    `curl -s -X POST "$URL/api/v1/script/hello.js" ${auth} --data-urlencode 'text=console.log("Hello from Agentry")'; echo`,
    `ID=$(curl -s -X POST "$URL/api/v2/agents/save" ${auth} -H 'Content-Type: application/json' -d '{"name":"hello","script":"hello.js"}' | sed -E 's/.*"id":"([^"]*)".*/\\1/'); echo "agent id: $ID"`,
    `curl -s "$URL/api/v2/agents/fetch?id=$ID" ${auth}; echo`,
  ];
}

function describeAdminKey(admin, dataDir, bold) {
  switch (admin.kind) {
    case 'new':
      return ['Admin API key (shown only now: Agentry keeps only its hash, so store it safely):', `    ${bold(admin.key)}`];
    case 'new-unconfirmed':
      return ['Admin API key (the gateway could not confirm it yet; if it is refused, look at the registry output above):', `    ${bold(admin.key)}`];
    case 'env':
      return ['Admin API key: the value of AGENTRY_BOOTSTRAP_API_KEY.'];
    case 'env-rejected':
      return [
        'AGENTRY_BOOTSTRAP_API_KEY is refused: the database already had an org, so the registry did not create',
        'that key. Use the admin key shown when this database was first started.',
      ];
    case 'database-had-org':
      return ['Admin API key: this database already had an org; its admin key was shown when it was first started.'];
    default:
      return [
        'Admin API key: shown at first start (Agentry keeps only its hash).',
        `To start over with a new key, stop Agentry and delete ${dataDir} (this deletes all data).`,
      ];
  }
}

const keyExpressionFor = (admin) => {
  if (admin.key) return `'${admin.key}'`;
  if (admin.kind === 'env') return '"$AGENTRY_BOOTSTRAP_API_KEY"';
  return "'<your admin key>'";
};

export function readyBanner({ url, admin, dataDir, infrastructure, bold = (t) => t }) {
  const indent = (lines) => lines.map((l) => `    ${l}`);
  return [
    '',
    `  ${bold(`Agentry is running at ${url}`)}`,
    '',
    ...describeAdminKey(admin, dataDir, bold).map((l) => `  ${l}`),
    '',
    `  Console: open ${url}/ in a browser and sign in with the admin key.`,
    `  CLI:     npx agentry login --url ${url} --key - (paste the key; then npx agentry agents ls, npx agentry run <agent> --follow)`,
    `  API reference: ${url}/docs`,
    '',
    '  Try it with curl: create a script, an agent that runs it, and fetch the agent:',
    ...indent(curlExample(url, keyExpressionFor(admin))),
    '',
    ...infrastructure.map((l) => `  ${l}`),
    '  Stop with Ctrl-C; the data is kept for the next npm start.',
    '',
  ].join('\n');
}
