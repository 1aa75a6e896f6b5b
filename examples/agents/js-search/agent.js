'phantom image: web-node:v1';
// Fill a search form and wait for results rendered by the page's JavaScript: argument { url, query }.
const buster = require('phantombuster').create();
const puppeteer = require('puppeteer');

(async () => {
  const browser = await puppeteer.launch();
  try {
    const page = await browser.newPage();
    await page.goto(buster.argument.url);
    await page.type('#q', buster.argument.query);
    await page.click('#go');
    await page.waitForSelector('#results li', { timeout: 20000 });
    const results = await page.$$eval('#results li', (items) => items.map((item) => item.textContent));
    await buster.setResultObject({ query: buster.argument.query, results });
  } finally {
    await browser.close();
  }
})().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
