'phantom image: web-node:v1';
// Screenshot a page: argument { url }. Stores screenshot.png in the agent's storage (the platform
// links it from the run's messages) and puts its URL and the page's title in the result object.
const buster = require('phantombuster').create();
const puppeteer = require('puppeteer');

(async () => {
  const browser = await puppeteer.launch();
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1024, height: 768 });
    await page.goto(buster.argument.url, { waitUntil: 'load' });
    const url = await buster.screenshot(page, 'screenshot.png');
    await buster.setResultObject({ title: await page.title(), screenshot: url });
  } finally {
    await browser.close();
  }
})().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
