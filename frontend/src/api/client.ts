/** The typed API client: openapi-fetch over the generated schema, session cookies and CSRF. */
import createClient, { type Middleware } from "openapi-fetch";

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

/** For endpoints the generated schema does not know yet (they land in other issues). */
export async function request<T>(method: string, url: string, body?: unknown, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (body !== undefined && !(body instanceof FormData)) {
    headers.set("Content-Type", "application/json");
  }
  if (needsCsrf(method)) {
    const token = readCookie(CSRF_COOKIE);
    if (token) headers.set(CSRF_HEADER, token);
  }
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    });
  } catch (cause) {
    throw new ApiError(0, "network_error", "Could not reach the server.", { cause });
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) throw apiErrorFrom(response.status, parsed);
  return parsed as T;
}

/**
 * Whether this server has an endpoint, and (given `method`) whether it takes that method: the
 * features of later issues appear when they land. DRF answers OPTIONS with an Allow header.
 */
export async function endpointExists(url: string, method?: string): Promise<boolean> {
  try {
    const response = await fetch(url, { method: "OPTIONS", credentials: "same-origin" });
    if (response.status === 404 || response.status === 405) return false;
    if (!method) return true;
    const allow = response.headers.get("Allow") ?? "";
    return allow.split(",").some((m) => m.trim().toUpperCase() === method.toUpperCase());
  } catch {
    return false;
  }
}
