import { Link } from "react-router";

import { EmptyState } from "../components/PageHeader";
import { useDocumentTitle } from "../lib/useDocumentTitle";

export function NotFoundPage() {
  useDocumentTitle("Not found");
  return (
    <EmptyState title="There is nothing here.">
      <p>
        The page does not exist, or it belongs to someone else. <Link to="/">Go to the start page.</Link>
      </p>
    </EmptyState>
  );
}
