import type { Json } from '../api/agentry';
import { columnsOf, download, isTable, toCsv } from './csv';
import { JsonTree } from './JsonTree';

/** A result object: a table (with CSV download) when it is an array of objects, else a JSON tree. */
export function ResultView({ value, fileName }: { value: Json; fileName: string }) {
  if (!isTable(value)) return <JsonTree value={value} />;
  const columns = columnsOf(value);
  return (
    <div>
      <button type="button" onClick={() => download(`${fileName}.csv`, new Blob([toCsv(columns, value)], { type: 'text/csv' }))}>
        Download CSV
      </button>
      <div className="table-scroll">
        <table className="result-table">
          <caption>Result ({value.length} rows)</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {value.map((row, i) => (
              <tr key={i}>
                {columns.map((c) => {
                  const v = row[c];
                  return <td key={c}>{v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <details>
        <summary>As JSON</summary>
        <JsonTree value={value} />
      </details>
    </div>
  );
}
