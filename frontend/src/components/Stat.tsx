import type { ReactNode } from "react";

/** One figure of a `<dl className="stats">`: its label and its value. */
export function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
