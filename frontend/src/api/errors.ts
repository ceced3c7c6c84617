/** The API's one error shape: `{code, message, details}`; `code` is stable. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details: unknown = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

interface ErrorBody {
  code?: unknown;
  message?: unknown;
  details?: unknown;
}

const STATUS_WORDS: Record<number, string> = {
  401: "You are not logged in.",
  403: "You are not allowed to do that.",
  404: "Not found.",
  413: "The file is too large.",
  502: "The server is not answering (bad gateway).",
  503: "The server is not available right now.",
};

/** An ApiError from any response body: the API's JSON error, or words for the status. */
export function apiErrorFrom(status: number, body: unknown): ApiError {
  if (body && typeof body === "object") {
    const { code, message, details } = body as ErrorBody;
    if (typeof code === "string" && typeof message === "string") {
      return new ApiError(status, code, message, details ?? {});
    }
  }
  const words = STATUS_WORDS[status] ?? `The server answered with status ${status}.`;
  return new ApiError(status, status === 0 ? "network_error" : `http_${status}`, words);
}

/** Issues of a spec error (`details.errors`: `{loc, message}`), if the error has them. */
export function specIssues(error: unknown): { loc: string; message: string }[] {
  if (!(error instanceof ApiError)) return [];
  const details = error.details as { errors?: unknown } | null;
  if (!details || !Array.isArray(details.errors)) return [];
  return (details.errors as unknown[]).filter((issue): issue is { loc: string; message: string } => {
    const { loc, message } = (issue ?? {}) as { loc?: unknown; message?: unknown };
    return typeof loc === "string" && typeof message === "string";
  });
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
