import { MAX_SCRIPT_TEXT_BYTES } from '@agentry/contracts';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';

/** The v1 API's script record and list entry, field for field and in PhantomBuster's order. */
const RECORD_FIELDS = ['id', 'name', 'source', 'url', 'text', 'httpHeaders', 'lastSaveDate', 'nonce'];
const LIST_FIELDS = ['id', 'name', 'source', 'url', 'httpHeaders', 'lastSaveDate', 'nonce'];
const DOCUMENTED_SCRIPT_TEXT = ' ... script contents ... ';

let platform: TestPlatform;
let orgA: { orgId: string; key: string };
let orgB: { orgId: string; key: string };

beforeAll(async () => {
  platform = await startPlatform();
  orgA = await platform.newOrg({ name: 'scripts-a' });
  orgB = await platform.newOrg({ name: 'scripts-b' });
});

afterAll(async () => {
  await platform?.close();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
const enc = encodeURIComponent;

/** POST /api/v1/script/{name} with a form-urlencoded body, like the classic SDK. */
async function saveForm(key: string, name: string, form: Record<string, string>) {
  return platform.request('POST', `/api/v1/script/${enc(name)}`, { key, form });
}

async function createScript(key: string, name: string, text = 'console.log(1)', source?: string): Promise<number> {
  const res = await saveForm(key, name, source === undefined ? { text } : { text, source });
  expect(res.status).toBe(200);
  expect(typeof res.body.data).toBe('number');
  return res.body.data as number;
}

const getById = (key: string, id: number | string, mode = 'json', query = '') => platform.request('GET', `/api/v1/script/by-id/${mode}/${id}${query}`, { key });
const getByName = (key: string, name: string, mode = 'json', query = '') =>
  platform.request('GET', `/api/v1/script/by-name/${mode}/${enc(name)}${query}`, { key });

function expectV1Error(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ status: 'error', code });
  expect(typeof res.body.message).toBe('string');
}

function expectFieldError(res: { status: number; body: any }, field: string) {
  expectV1Error(res, 400, 'VALIDATION_FAILED');
  expect(res.body.data.fields.map((f: { field: string }) => f.field)).toContain(field);
}

describe('the v1 API examples, field for field', () => {
  let id: number;
  let before: number;

  beforeAll(async () => {
    before = nowSeconds();
    id = await createScript(orgA.key, 'nice_agent.coffee', DOCUMENTED_SCRIPT_TEXT, 'phantombuster');
  });

  test('POST /api/v1/script/{name} creating answers the new id as data', async () => {
    const res = await saveForm(orgA.key, 'seed_create.js', { text: 'x' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success', data: expect.any(Number) });
    expect(Object.keys(res.body)).toEqual(['status', 'data']);
  });

  test('POST /api/v1/script/{name} updating answers data null', async () => {
    const res = await saveForm(orgA.key, 'seed_create.js', { text: 'y' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success', data: null });
  });

  test.each([
    ['by-id', () => getById(orgA.key, id)],
    ['by-name', () => getByName(orgA.key, 'nice_agent.coffee')],
  ])("GET /api/v1/script/%s/json answers PhantomBuster's record", async (_how, get) => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'success',
      data: {
        id,
        name: 'nice_agent.coffee',
        source: 'phantombuster',
        url: null,
        text: DOCUMENTED_SCRIPT_TEXT,
        httpHeaders: null,
        lastSaveDate: expect.any(Number),
        nonce: 1,
      },
    });
    expect(Object.keys(res.body.data)).toEqual(RECORD_FIELDS);
    expect(res.body.data.lastSaveDate).toBeGreaterThanOrEqual(before);
    expect(res.body.data.lastSaveDate).toBeLessThanOrEqual(nowSeconds());
  });

  test.each([
    ['by-id', () => getById(orgA.key, id, 'json', '?withoutText=1')],
    ['by-name', () => getByName(orgA.key, 'nice_agent.coffee', 'json', '?withoutText=true')],
  ])('%s withoutText drops only the text', async (_how, get) => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data)).toEqual(RECORD_FIELDS.filter((f) => f !== 'text'));
  });

  test.each([
    ['by-id', () => getById(orgA.key, id, 'raw')],
    ['by-name', () => getByName(orgA.key, 'nice_agent.coffee', 'raw', '?withoutText=1')],
  ])('%s raw answers the text alone as text/plain (withoutText is JSON-only)', async (_how, get) => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toBe(DOCUMENTED_SCRIPT_TEXT);
  });

  test("GET /api/v1/scripts.json lists PhantomBuster's entries without text", async () => {
    const org = await platform.newOrg({ name: 'scripts-list' });
    const first = await createScript(org.key, 'script1.coffee', 'a', 'phantombuster');
    const second = await createScript(org.key, 'script2.js', 'b', 'sdk');
    const res = await platform.request('GET', '/api/v1/scripts.json', { key: org.key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'success',
      data: [
        { id: first, name: 'script1.coffee', source: 'phantombuster', url: '', httpHeaders: null, lastSaveDate: expect.any(Number), nonce: 1 },
        { id: second, name: 'script2.js', source: 'sdk', url: '', httpHeaders: null, lastSaveDate: expect.any(Number), nonce: 1 },
      ],
    });
    for (const entry of res.body.data) expect(Object.keys(entry)).toEqual(LIST_FIELDS);
  });

  test('DELETE /api/v1/script/{id}.json answers data null; the script is gone and its name free again', async () => {
    const doomed = await createScript(orgA.key, 'doomed.js', 'old');
    const res = await platform.request('DELETE', `/api/v1/script/${doomed}.json`, { key: orgA.key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success', data: null });

    expectV1Error(await getById(orgA.key, doomed), 404, 'NOT_FOUND');
    expectV1Error(await getByName(orgA.key, 'doomed.js'), 404, 'NOT_FOUND');
    expectV1Error(await platform.request('DELETE', `/api/v1/script/${doomed}.json`, { key: orgA.key }), 404, 'NOT_FOUND');

    const reborn = await createScript(orgA.key, 'doomed.js', 'new');
    expect(reborn).not.toBe(doomed);
    expect((await getByName(orgA.key, 'doomed.js')).body.data).toMatchObject({ id: reborn, text: 'new', nonce: 1 });
  });
});

describe('create, update and nonce', () => {
  test('each save increments the nonce; absent text or source keeps them; source defaults to api', async () => {
    const id = await createScript(orgA.key, 'counter.js', 'v1');
    const created = (await getById(orgA.key, id)).body.data;
    expect(created).toMatchObject({ text: 'v1', source: 'api', nonce: 1 });

    expect((await saveForm(orgA.key, 'counter.js', { text: 'v2' })).body.data).toBeNull();
    expect((await getById(orgA.key, id)).body.data).toMatchObject({ text: 'v2', source: 'api', nonce: 2 });

    expect((await saveForm(orgA.key, 'counter.js', { source: 'bot builder' })).status).toBe(200);
    expect((await getById(orgA.key, id)).body.data).toMatchObject({ text: 'v2', source: 'bot builder', nonce: 3 });

    // An unchanged save still counts as a save.
    expect((await saveForm(orgA.key, 'counter.js', { text: 'v2' })).status).toBe(200);
    const last = (await getById(orgA.key, id)).body.data;
    expect(last).toMatchObject({ text: 'v2', nonce: 4 });
    expect(last.lastSaveDate).toBeGreaterThanOrEqual(created.lastSaveDate);
  });

  test('an empty text empties the script instead of keeping the old one', async () => {
    const id = await createScript(orgA.key, 'emptied.js', 'something');
    expect((await saveForm(orgA.key, 'emptied.js', { text: '' })).status).toBe(200);
    const res = await getById(orgA.key, id, 'raw');
    expect(res.text).toBe('');
  });

  test('insertOnly refuses an existing name with 409 and leaves the script untouched', async () => {
    const res = await saveForm(orgA.key, 'once.js', { text: 'first', insertOnly: '1' });
    expect(typeof res.body.data).toBe('number');

    const again = await saveForm(orgA.key, 'once.js', { text: 'second', insertOnly: 'true' });
    expectV1Error(again, 409, 'ALREADY_EXISTS');
    expect(again.body.message).toMatch(/once\.js/);
    expect((await getByName(orgA.key, 'once.js')).body.data).toMatchObject({ text: 'first', nonce: 1 });
  });

  test('concurrent creates of one new name make one script; every save lands', async () => {
    const saves = await Promise.all(Array.from({ length: 8 }, (_, i) => saveForm(orgA.key, 'raced.js', { text: `save ${i}` })));
    expect(saves.map((r) => r.status)).toEqual(Array(8).fill(200));
    const ids = saves.map((r) => r.body.data).filter((d) => d !== null);
    expect(ids).toHaveLength(1);

    const list = (await platform.request('GET', '/api/v1/scripts.json', { key: orgA.key })).body.data;
    expect(list.filter((s: { name: string }) => s.name === 'raced.js')).toEqual([expect.objectContaining({ id: ids[0], nonce: 8 })]);
  });
});

describe('parameters from a JSON body, a form body or the query string', () => {
  test('query string', async () => {
    const res = await platform.request('POST', `/api/v1/script/from-query.js?text=${enc('a & b')}&source=web`, { key: orgA.key });
    expect(res.status).toBe(200);
    expect(typeof res.body.data).toBe('number');
    expect((await getById(orgA.key, res.body.data)).body.data).toMatchObject({ text: 'a & b', source: 'web' });
  });

  test('JSON body', async () => {
    const res = await platform.request('POST', '/api/v1/script/from-json.mjs', { key: orgA.key, json: { text: 'export {}', source: 'sdk', insertOnly: true } });
    expect(res.status).toBe(200);
    expect(typeof res.body.data).toBe('number');
    expect((await getById(orgA.key, res.body.data)).body.data).toMatchObject({ name: 'from-json.mjs', text: 'export {}', source: 'sdk' });
  });

  test('form body (names with spaces are URL-decoded)', async () => {
    const id = await createScript(orgA.key, 'my script v1.2.js', 'line1\nline2', 'web');
    expect((await getByName(orgA.key, 'my script v1.2.js')).body.data).toMatchObject({ id, text: 'line1\nline2' });
  });
});

describe('bad input answers 400 in the JSend shape, naming the field', () => {
  test.each([
    ['a name without a script extension', 'script.txt', { text: 'x' }, 'name'],
    ['a name starting with a dash', '-x.js', { text: 'x' }, 'name'],
    ['a source with punctuation', 'ok.js', { text: 'x', source: 'not-allowed!' }, 'source'],
    ['a source over 20 characters', 'ok.js', { text: 'x', source: 'a'.repeat(21) }, 'source'],
    ['a create without text', 'no_text.js', {}, 'text'],
  ])('%s', async (_why, name, form, field) => {
    expectFieldError(await saveForm(orgA.key, name, form as Record<string, string>), field);
  });

  test('a text that is not a string', async () => {
    expectFieldError(await platform.request('POST', '/api/v1/script/typed.js', { key: orgA.key, json: { text: 42 } }), 'text');
  });

  test('a text over the size cap', async () => {
    const text = 'x'.repeat(MAX_SCRIPT_TEXT_BYTES + 1);
    expectFieldError(await platform.request('POST', '/api/v1/script/huge.js', { key: orgA.key, json: { text } }), 'text');
  });

  test('a non-numeric id and an unknown mode', async () => {
    expectFieldError(await getById(orgA.key, 'abc'), 'id');
    expectFieldError(await platform.request('DELETE', '/api/v1/script/abc.json', { key: orgA.key }), 'id');
    expectFieldError(await getById(orgA.key, 1, 'xml'), 'mode');
    expectFieldError(await getByName(orgA.key, 'a.js', 'xml'), 'mode');
  });

  test('a body over the gateway limit answers 413 in the JSend shape', async () => {
    const res = await saveForm(orgA.key, 'too_big.js', { text: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 'error', message: expect.any(String) });
  });

  test('an id no script can have is simply not found', async () => {
    expectV1Error(await getById(orgA.key, 99_999_999_999), 404, 'NOT_FOUND');
    expectV1Error(await platform.request('DELETE', '/api/v1/script/99999999999.json', { key: orgA.key }), 404, 'NOT_FOUND');
  });

  test('no API key answers 401', async () => {
    expectV1Error(await platform.request('GET', '/api/v1/scripts.json'), 401, 'UNAUTHENTICATED');
  });
});

describe("tenant isolation: another org's script is not found, by every endpoint", () => {
  let id: number;
  const name = 'private_of_a.js';

  beforeAll(async () => {
    id = await createScript(orgA.key, name, 'secret text of A');
  });

  test.each([
    ['GET by-id json', () => getById(orgB.key, id)],
    ['GET by-id raw', () => getById(orgB.key, id, 'raw')],
    ['GET by-name json', () => getByName(orgB.key, name)],
    ['GET by-name raw', () => getByName(orgB.key, name, 'raw')],
    ['DELETE', () => platform.request('DELETE', `/api/v1/script/${id}.json`, { key: orgB.key })],
    ['v2 fetch by id', () => platform.request('GET', `/api/v2/scripts/fetch?id=${id}&withText=1`, { key: orgB.key })],
    ['v2 fetch by name', () => platform.request('GET', `/api/v2/scripts/fetch?name=${enc(name)}`, { key: orgB.key })],
    ['v2 delete', () => platform.request('POST', '/api/v2/scripts/delete', { key: orgB.key, json: { id } })],
  ])('%s → 404 without data', async (_endpoint, call) => {
    const res = await call();
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('secret text of A');
    expect(res.text).not.toContain(name);
  });

  test("lists never show another org's scripts", async () => {
    const v1 = await platform.request('GET', '/api/v1/scripts.json', { key: orgB.key });
    const v2 = await platform.request('GET', '/api/v2/scripts/fetch-all', { key: orgB.key });
    expect(v1.text).not.toContain(name);
    expect(v2.text).not.toContain(name);
  });

  test("saving A's name in org B creates B's own script; A's stays untouched", async () => {
    const own = await createScript(orgB.key, name, 'text of B');
    expect(own).not.toBe(id);
    expect((await getById(orgA.key, id)).body.data).toMatchObject({ text: 'secret text of A', nonce: 1 });
    expect((await getByName(orgB.key, name)).body.data).toMatchObject({ id: own, text: 'text of B' });
  });
});

describe('v2 scripts endpoints', () => {
  test('save, fetch, fetch-all, delete with string ids and millisecond times', async () => {
    const before = Date.now();
    const saved = await platform.request('POST', '/api/v2/scripts/save', { key: orgB.key, json: { name: 'v2.js', text: 'let a', source: 'sdk' } });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ id: expect.stringMatching(/^\d+$/), name: 'v2.js', created: true, nonce: 1 });
    const id = saved.body.id as string;

    const updated = await platform.request('POST', '/api/v2/scripts/save', { key: orgB.key, json: { name: 'v2.js', text: 'let b' } });
    expect(updated.body).toEqual({ id, name: 'v2.js', created: false, nonce: 2 });

    const fetched = await platform.request('GET', `/api/v2/scripts/fetch?id=${id}&withText=true`, { key: orgB.key });
    expect(fetched.body).toMatchObject({
      id,
      name: 'v2.js',
      source: 'sdk',
      nonce: 2,
      lastSaveDate: expect.any(Number),
      createdAt: expect.any(Number),
      text: 'let b',
      code: 'let b',
    });
    expect(fetched.body.lastSaveDate).toBeGreaterThanOrEqual(before);

    const byName = await platform.request('GET', '/api/v2/scripts/fetch?name=v2.js', { key: orgB.key });
    expect(byName.body).not.toHaveProperty('text');
    expect(byName.body).not.toHaveProperty('code');
    expect(byName.body.id).toBe(id);

    const all = await platform.request('GET', '/api/v2/scripts/fetch-all', { key: orgB.key });
    expect(all.body).toContainEqual(expect.objectContaining({ id, name: 'v2.js' }));
    expect(all.body.every((s: object) => !('text' in s))).toBe(true);

    const deleted = await platform.request('POST', '/api/v2/scripts/delete', { key: orgB.key, json: { id } });
    expect(deleted.body).toEqual({ id });
    const gone = await platform.request('GET', `/api/v2/scripts/fetch?id=${id}`, { key: orgB.key });
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ status: 'error', error: 'NOT_FOUND' });
  });

  test('save {name, code} as the v2 document sends it; {id, code} updates by id; scripts/code answers {code}', async () => {
    const saved = await platform.request('POST', '/api/v2/scripts/save', { key: orgB.key, json: { name: 'documented.js', code: 'let one' } });
    expect(saved.body).toMatchObject({ id: expect.stringMatching(/^\d+$/), name: 'documented.js' });
    const byId = await platform.request('POST', '/api/v2/scripts/save', { key: orgB.key, json: { id: saved.body.id, code: 'let two' } });
    expect(byId.body).toMatchObject({ id: saved.body.id, name: 'documented.js', created: false });
    const code = await platform.request('GET', '/api/v2/scripts/code?script=documented.js', { key: orgB.key });
    expect(code.body).toEqual({ code: 'let two' });
    const only = await platform.request('GET', `/api/v2/scripts/fetch-all?scriptIds=${saved.body.id}`, { key: orgB.key });
    expect(only.body.map((s: { id: string }) => s.id)).toEqual([saved.body.id]);
    const foreignList = await platform.request('GET', '/api/v2/scripts/fetch-all?org=scripts-b', { key: orgA.key });
    expect(foreignList.body).toEqual([]);
    const badIds = await platform.request('GET', '/api/v2/scripts/fetch-all?scriptIds=1,x', { key: orgB.key });
    expect(badIds.status).toBe(400);
    const otherBranch = await platform.request('GET', '/api/v2/scripts/code?script=documented.js&branch=dev', { key: orgB.key });
    expect(otherBranch.status).toBe(412);
    // Another org's script, named with that org's slug, is not found (Agentry has no public scripts).
    const foreign = await platform.request('GET', `/api/v2/scripts/code?script=documented.js&org=scripts-b`, { key: orgA.key });
    expect(foreign.status).toBe(404);
    expect(foreign.text).not.toContain('let two');
  });

  test('v2 errors use the v2 shape, naming the field', async () => {
    const res = await platform.request('POST', '/api/v2/scripts/save', { key: orgB.key, json: { name: 'bad name!.js', text: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 'error', error: 'VALIDATION_FAILED' });
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['name']);
  });
});
