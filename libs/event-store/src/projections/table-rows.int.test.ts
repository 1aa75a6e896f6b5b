import { openTestEventStore, type TestEventStore } from '../test-support/test-event-store.js';
import { TableRows } from './table-rows.js';

interface Row {
  id: number;
  label: string | null;
  big: string | number | null;
  ratio: number | null;
  flag: boolean | null;
  doc: unknown;
  tags: (number | null)[] | null;
  names: string[] | null;
}

const rows = new TableRows<Row>('table_rows_probe', 'id', {
  id: 'integer',
  label: 'text',
  big: 'bigint',
  ratio: 'double precision',
  flag: 'boolean',
  doc: 'jsonb',
  tags: 'integer[]',
  names: 'text[]',
});

let db: TestEventStore;
beforeAll(async () => {
  db = await openTestEventStore(4);
  await db.dataSource.query(`CREATE TABLE table_rows_probe (
    id integer PRIMARY KEY, label text, big bigint, ratio double precision, flag boolean, doc jsonb, tags integer[], names text[])`);
});
afterAll(() => db.close());
beforeEach(() => db.dataSource.query(`TRUNCATE table_rows_probe`));

const stored = async (): Promise<Row[]> =>
  db.dataSource.query(`SELECT id, label, big::text AS big, ratio, flag, doc, tags, names FROM table_rows_probe ORDER BY id`);

// Values a read model copies from event data an API caller chose: every one must come back as it went in.
const hostile: Row[] = [
  { id: 1, label: 'NULL', big: '9007199254740993', ratio: 0.1, flag: true, doc: 'NULL', tags: [], names: ['NULL', ''] },
  {
    id: 2,
    label: 'a "quoted", {braced} \\ back\\slashed\nline',
    big: 1,
    ratio: -1.5e300,
    flag: false,
    doc: { a: ['x', { '"k"': '\\' }], b: null },
    tags: [1, null, 3],
    names: ['{1,2}', 'a,b', '"', '\\'],
  },
  { id: 3, label: '', big: null, ratio: null, flag: null, doc: null, tags: null, names: null },
  { id: 4, label: 'ünïcødé 🙂 \u2028', big: '-9223372036854775808', ratio: 0, flag: true, doc: [1, 'two', true, null], tags: [2147483647], names: ['ünï 🙂'] },
  { id: 5, label: '{}', big: 0, ratio: 1, flag: false, doc: 42, tags: [-1], names: [] },
];

describe('TableRows: one array per column, zipped by unnest', () => {
  it('stores every value as it was given: quotes, backslashes, braces, the word NULL, empty text and arrays, jsonb scalars', async () => {
    await rows.upsert(db.dataSource, hostile);
    expect(await stored()).toEqual(hostile.map((row) => ({ ...row, big: row.big === null ? null : String(row.big) })));
  });

  it('treats a missing value as NULL, like a missing JSON key', async () => {
    await rows.upsert(db.dataSource, [{ id: 9 } as Row]);
    expect(await stored()).toEqual([{ id: 9, label: null, big: null, ratio: null, flag: null, doc: null, tags: null, names: null }]);
  });

  it('upsert replaces every column of a stored row; insertMissing leaves a stored row as it is', async () => {
    await rows.upsert(db.dataSource, [hostile[0]!, hostile[1]!]);
    await rows.upsert(db.dataSource, [{ ...hostile[2]!, id: 1 }]);
    await rows.insertMissing(db.dataSource, [{ ...hostile[3]!, id: 2 }, hostile[4]!]);
    const after = await stored();
    expect(after.map((row) => row.id)).toEqual([1, 2, 5]);
    expect(after[0]).toEqual({ ...hostile[2], id: 1 });
    expect(after[1]!.label).toBe(hostile[1]!.label);
    expect(after[2]!.doc).toBe(42);
  });

  it('selects and deletes by key', async () => {
    await rows.upsert(db.dataSource, hostile);
    expect((await rows.select(db.dataSource, [2, 4, 99])).map((row) => row.id).sort()).toEqual([2, 4]);
    await rows.delete(db.dataSource, [1, 3]);
    expect((await stored()).map((row) => row.id)).toEqual([2, 4, 5]);
  });
});
