import { useEffect } from "react";

import { safeText } from "./safeText";

/** The browser tab says which page this is: "Jobs · Neuroyard". */
export function documentTitle(page: string | null | undefined): string {
  const clean = safeText(page).trim();
  return clean ? `${clean} · Neuroyard` : "Neuroyard";
}

export function useDocumentTitle(page: string | null | undefined): void {
  useEffect(() => {
    document.title = documentTitle(page);
  }, [page]);
}
