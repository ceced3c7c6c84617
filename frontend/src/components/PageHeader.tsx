import type { ReactNode } from "react";

import { useDocumentTitle } from "../lib/useDocumentTitle";

interface Props {
  title: ReactNode;
  /** the browser tab's title, where `title` is more than words */
  pageTitle?: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
}

export function PageHeader({ title, pageTitle, subtitle, actions }: Props) {
  useDocumentTitle(pageTitle ?? (typeof title === "string" ? title : null));
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="muted">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}
