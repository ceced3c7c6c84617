import { ApiError, errorMessage } from "../api/errors";

interface Props {
  error: unknown;
  title?: string;
}

/** An error in words, with the API's stable code for people who report it. */
export function ErrorNotice({ error, title }: Props) {
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : null;
  return (
    <div className="notice notice-error" role="alert">
      {title && <strong className="notice-title">{title}</strong>}
      <span>{errorMessage(error)}</span>
      {code && <code className="notice-code">{code}</code>}
    </div>
  );
}
