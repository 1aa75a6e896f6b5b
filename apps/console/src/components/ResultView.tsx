import type { Json } from '../api/agentry';
import { columnsOf, download, isTable, toCsv } from './csv';
import { JsonTree } from './JsonTree';
import { DataTable } from './DataTable';

/** A result object: a table (with CSV download) when it is an array of objects, else a JSON tree. */
export function ResultView({ value, fileName }: { value: Json; fileName: string }) {
  if (!isTable(value)) return <JsonTree value={value} />;
  const columns = columnsOf(value);
  return (
    <div>
      <button type="button" onClick={() => download(`${fileName}.csv`, new Blob([toCsv(columns, value)], { type: 'text/csv' }))}>
        Download CSV
      </button>
      <DataTable caption={<>Result ({value.length} rows)</>} showCaption className="result-table" columns={columns}>
        {value.map((row, i) => (
          <tr key={i}>
            {columns.map((c) => {
              const v = row[c];
              return <td key={c}>{v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)}</td>;
            })}
          </tr>
        ))}
      </DataTable>
      <details>
        <summary>As JSON</summary>
        <JsonTree value={value} />
      </details>
    </div>
  );
}
