'phantom image: web-node:v1';
// Log into a form with the agent's stored credentials (the agents API's `credentials`, given to
// the run as AGENT_CREDENTIALS) and read a private page: argument { url } (the login page).
const buster = require('phantombuster').create();
const puppeteer = require('puppeteer');

(async () => {
  const { login, password } = JSON.parse(process.env.AGENT_CREDENTIALS || '{}');
  if (!login || !password) throw new Error('This agent needs credentials: { login, password }');
  const browser = await puppeteer.launch();
  try {
    const page = await browser.newPage();
    await page.goto(buster.argument.url);
    await page.type('input[name=login]', login);
    await page.type('input[name=password]', password);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    const secret = await page.$eval('#secret', (element) => element.textContent).catch(() => null);
    if (secret === null) throw new Error(`Login refused (${page.url()})`);
    await buster.setResultObject({ loggedIn: true, secret });
  } finally {
    await browser.close();
  }
})().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
