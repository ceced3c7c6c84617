/** Rendering pages and components under test: a fresh query client and an in-memory router. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router";
import { vi } from "vitest";

export function renderWithApp(ui: ReactElement, { path = "/", route = "/" } = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return {
    client,
    ...render(
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={[route]}>
          <Routes>
            <Route path={path} element={ui} />
            <Route path="*" element={<p>elsewhere</p>} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>,
    ),
  };
}

export type Answer = { status?: number; body?: unknown };

/** A request's body as the server would read it: JSON, or a multipart form's fields. */
async function bodyOf(request: Request | null, init: RequestInit | undefined): Promise<unknown> {
  if (request?.headers.get("Content-Type")?.startsWith("multipart/form-data")) {
    return Object.fromEntries(await request.clone().formData());
  }
  const text = request ? await request.clone().text() : typeof init?.body === "string" ? init.body : "";
  return text ? JSON.parse(text) : null;
}

/** A fetch that answers by method and path, recording what was sent (the server is not here). */
export function stubFetch(answers: Record<string, Answer | ((init: RequestInit | undefined) => Answer)>) {
  const calls: { method: string; url: string; body: unknown; headers: Headers }[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : null;
    const url = new URL(
      request ? request.url : input instanceof URL ? input.href : (input as string),
      "http://localhost",
    );
    const method = (request?.method ?? init?.method ?? "GET").toUpperCase();
    calls.push({
      method,
      url: url.pathname + url.search,
      body: await bodyOf(request, init),
      headers: new Headers(request?.headers ?? init?.headers),
    });
    const answer = answers[`${method} ${url.pathname}`];
    const { status = 200, body = null } = (typeof answer === "function" ? answer(init) : answer) ?? {
      status: 404,
      body: { code: "not_found", message: "Not found." },
    };
    return new Response(body === null ? null : JSON.stringify(body), {
      status,
      headers: { "Content-Type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  return calls;
}
