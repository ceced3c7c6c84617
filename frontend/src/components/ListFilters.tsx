/**
 * The filters the list pages share: a search box that settles before it asks (the URL and the
 * list follow once typing pauses) and the staff's "Whose" menu, everyone's objects or their own.
 */
import { useEffect, useState } from "react";

import { useDebounced } from "../lib/useDebounced";

export type Owner = "all" | "me";

/** How long typing must pause before a search is made. */
export const SEARCH_SETTLE_MS = 300;

interface SearchProps {
  id: string;
  /** the search in force (from the URL) */
  value: string;
  /** a new search, trimmed, once typing has paused */
  onSearch: (value: string) => void;
  settleMs?: number;
}

export function SearchFilter({ id, value, onSearch, settleMs = SEARCH_SETTLE_MS }: SearchProps) {
  const [draft, setDraft] = useState(value);
  const settled = useDebounced(draft.trim(), settleMs);
  useEffect(() => {
    if (settled !== value) onSearch(settled);
    // only a settled search changes anything
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settled]);
  return (
    <div className="field field-search">
      <label htmlFor={id}>Search</label>
      <input
        id={id}
        type="search"
        placeholder="Part of a name"
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
      />
    </div>
  );
}

interface OwnerProps {
  id: string;
  value: Owner;
  onChange: (value: Owner) => void;
}

/** For staff, who see everyone's objects: narrow a list to their own. */
export function OwnerFilter({ id, value, onChange }: OwnerProps) {
  return (
    <div className="field">
      <label htmlFor={id}>Whose</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value === "me" ? "me" : "all")}>
        <option value="all">Everyone’s</option>
        <option value="me">Mine</option>
      </select>
    </div>
  );
}
