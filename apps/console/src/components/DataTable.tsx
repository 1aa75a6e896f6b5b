import type { ReactNode } from 'react';

/**
 * A table that scrolls sideways on a narrow screen instead of the page, with a caption (for screen
 * readers only unless `showCaption`) and one header cell per column; the rows are the children.
 */
export function DataTable({
  caption,
  columns,
  showCaption = false,
  className,
  children,
}: {
  caption: ReactNode;
  columns: readonly string[];
  showCaption?: boolean;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className="table-scroll">
      <table className={className}>
        <caption className={showCaption ? undefined : 'sr-only'}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
