'use strict';
// The text of an agent's conventional result file `<csvName>.csv` (buster.saveResults): the names
// come from the executor (config.resultFiles, libs/contracts/src/scripts/result-files.ts), which
// records the run's saving them (csvName / jsonName on containers).

/** One CSV cell: quoted when it holds a separator, a quote or a line break (RFC 4180). */
function csvCell(value) {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows (objects) as CSV text: the columns are every key met, in the order met. */
function toCsv(rows) {
  const columns = [];
  const seen = new Set();
  for (const row of rows) {
    for (const key of Object.keys(row ?? {})) {
      if (seen.has(key)) continue;
      seen.add(key);
      columns.push(key);
    }
  }
  const lines = [columns.map(csvCell).join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvCell(row?.[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

module.exports = { toCsv };
