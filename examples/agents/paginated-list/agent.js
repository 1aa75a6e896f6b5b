'phantombuster package: 5';
// Extract a list across paginated pages: argument { url } (the first page). Follows the "next"
// link until there is none, and stores every row as result.csv and result.json in the agent's storage
// (buster.saveResults: the argument's csvName / jsonName when set; the run answers them as its csvName / jsonName).
const buster = require('phantombuster').create();
const puppeteer = require('puppeteer');

(async () => {
  const browser = await puppeteer.launch();
  const rows = [];
  try {
    const page = await browser.newPage();
    let next = buster.argument.url;
    while (next) {
      await page.goto(next);
      rows.push(
        ...(await page.$$eval('li.item', (items) =>
          items.map((item) => ({ name: item.querySelector('.name').textContent, price: item.querySelector('.price').textContent })),
        )),
      );
      next = await page.$eval('a.next', (link) => link.href).catch(() => null);
      buster.progressHint(0.5, `${rows.length} rows`);
    }
  } finally {
    await browser.close();
  }
  const { csv } = await buster.saveResults(rows);
  await buster.setResultObject({ rows: rows.length, csv });
  console.log(`${rows.length} rows saved to result.csv`);
})().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
