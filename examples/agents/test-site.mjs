// The small site the example agents' tests serve on this host's loopback (127.0.0.1, a free
// port): a page to screenshot, a list over three pages, a login form in front of a private page,
// and a search whose results the page's JavaScript renders after a delay.
import { createServer } from 'node:http';

export const LOGIN = { login: 'ada', password: 'correct horse battery staple' };
export const SECRET = 'the private page of ada';
const SESSION = 'session=s3ss10n-of-ada';
const ITEMS = Array.from({ length: 7 }, (_, i) => ({ name: `Item ${i + 1}`, price: `${(i + 1) * 10}.00` }));
const PAGE_SIZE = 3;
const WORDS = ['apple', 'apricot', 'banana', 'blueberry', 'cherry'];

const html = (title, body) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

function route(req, body) {
  const url = new URL(req.url, 'http://site');
  if (url.pathname === '/page') return { body: html('Example page', '<h1 style="color:#036">An example page</h1><p>Rendered by Chromium in a sandbox.</p>') };
  if (url.pathname === '/list') {
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const items = ITEMS.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
    const next = page * PAGE_SIZE < ITEMS.length ? `<a class="next" href="/list?page=${page + 1}">next</a>` : '';
    return {
      body: html(
        `List ${page}`,
        `<ul>${items.map((item) => `<li class="item"><span class="name">${item.name}</span> <span class="price">${item.price}</span></li>`).join('')}</ul>${next}`,
      ),
    };
  }
  if (url.pathname === '/login' && req.method === 'GET') {
    return {
      body: html(
        'Log in',
        '<form method="post" action="/login"><input name="login"><input name="password" type="password"><button type="submit">Log in</button></form>',
      ),
    };
  }
  if (url.pathname === '/login' && req.method === 'POST') {
    const form = new URLSearchParams(body);
    if (form.get('login') === LOGIN.login && form.get('password') === LOGIN.password)
      return { status: 303, headers: { location: '/private', 'set-cookie': `${SESSION}; HttpOnly; Path=/` } };
    return { status: 303, headers: { location: '/login?failed=1' } };
  }
  if (url.pathname === '/private') {
    if (!(req.headers.cookie ?? '').split(/;\s*/).includes(SESSION)) return { status: 303, headers: { location: '/login' } };
    return { body: html('Private', `<p id="secret">${SECRET}</p>`) };
  }
  if (url.pathname === '/search') {
    return {
      body: html(
        'Search',
        `<input id="q"><button id="go">Search</button><ul id="results"></ul><script>
        document.getElementById('go').onclick = async () => {
          const answer = await fetch('/api/search?q=' + encodeURIComponent(document.getElementById('q').value));
          const words = await answer.json();
          setTimeout(() => { document.getElementById('results').innerHTML = words.map((w) => '<li>' + w + '</li>').join(''); }, 300);
        };</script>`,
      ),
    };
  }
  if (url.pathname === '/api/search') {
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    return { body: JSON.stringify(WORDS.filter((word) => word.startsWith(q))), headers: { 'content-type': 'application/json' } };
  }
  return { status: 404, body: 'not found' };
}

/** Serves the site on 127.0.0.1; `requests` lists every path asked for (what reached the site). */
export async function startTestSite() {
  const requests = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      const answer = route(req, body);
      res.writeHead(answer.status ?? 200, { 'content-type': 'text/html; charset=utf-8', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}
