/** A list as a table that scrolls sideways on narrow screens; columns are titles or {label, num}. */
import type { ReactNode } from "react";

export type Column = string | { label: ReactNode; num?: boolean };

export function ListTable({
  columns,
  children,
  className = "",
}: {
  columns: Column[];
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className="table-scroll">
      <table className={`list-table ${className}`.trim()}>
        <thead>
          <tr>
            {columns.map((column, i) => {
              const { label, num } = typeof column === "string" ? { label: column, num: false } : column;
              return (
                <th key={i} scope="col" className={num ? "num" : undefined}>
                  {label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
