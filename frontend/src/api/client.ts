/**
 * The one API client: openapi-fetch over the generated schema, session cookies and CSRF. What
 * fetch cannot do (upload progress, EventSource, a link the browser follows) goes through the
 * typed wrappers below, which take their path and parameters from the same schema.
 */
import createClient, {
  createFinalURL,
  createQuerySerializer,
  defaultPathSerializer,
  type Middleware,
} from "openapi-fetch";
import type { PathsWithMethod, SuccessResponseJSON } from "openapi-typescript-helpers";

import { CSRF_COOKIE, CSRF_HEADER, needsCsrf, readCookie } from "../lib/csrf";
import { ApiError, apiErrorFrom } from "./errors";
import type { paths } from "./schema";

const csrf: Middleware = {
  onRequest({ request }) {
    if (needsCsrf(request.method)) {
      const token = readCookie(CSRF_COOKIE);
      if (token) request.headers.set(CSRF_HEADER, token);
    }
    return request;
  },
};

export const api = createClient<paths>({
  // absolute, because Request objects need absolute URLs outside browsers (tests)
  baseUrl: globalThis.location?.origin ?? "",
  credentials: "same-origin",
  // looked up at each call, so a page (or a test) can replace fetch
  fetch: (request: Request) => globalThis.fetch(request),
});
api.use(csrf);

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a successful answer; an ApiError for any other. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch (cause) {
    throw new ApiError(0, "network_error", "Could not reach the server.", { cause });
  }
  if (answer.error !== undefined || !answer.response.ok) {
    throw apiErrorFrom(answer.response.status, answer.error);
  }
  return answer.data as T;
}

/** The path and query parameters of an operation, as the schema declares them. */
export type UrlParams<Operation> = Operation extends { parameters: infer P } ? Omit<P, "header" | "cookie"> : never;

/** The JSON an operation answers on success. */
export type Success<Operation> = SuccessResponseJSON<NonNullable<Operation>>;

const querySerializer = createQuerySerializer();

/** The same-origin URL of a path with its parameters filled in. */
export function urlOf(
  path: string,
  params: { path?: Record<string, unknown>; query?: Record<string, unknown> },
): string {
  return createFinalURL(path, { baseUrl: "", params, querySerializer, pathSerializer: defaultPathSerializer });
}

/** The URL of a GET, for what fetch does not do: an EventSource, or a link the browser follows. */
export function getUrl<Path extends PathsWithMethod<paths, "get">>(
  path: Path,
  params: UrlParams<paths[Path]["get"]>,
): string {
  return urlOf(path, params);
}
