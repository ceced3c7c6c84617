/** Django's CSRF cookie, echoed in the X-CSRFToken header on every write. */
export const CSRF_COOKIE = "csrftoken";
export const CSRF_HEADER = "X-CSRFToken";

export function readCookie(name: string, cookies: string = document.cookie): string | null {
  for (const part of cookies.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

export function needsCsrf(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** Makes sure the CSRF cookie exists (index.html sets it; the Vite dev server does not). */
export async function ensureCsrfCookie(): Promise<string> {
  const existing = readCookie(CSRF_COOKIE);
  if (existing) return existing;
  const response = await fetch("/api/v1/auth/csrf/", { credentials: "same-origin" });
  const body = (await response.json()) as { csrf_token: string };
  return readCookie(CSRF_COOKIE) ?? body.csrf_token;
}
