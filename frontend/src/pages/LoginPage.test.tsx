import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import { renderWithApp, stubFetch } from "../test/render";
import { LoginPage, safeNext } from "./LoginPage";

describe("logging in", () => {
  beforeEach(() => {
    document.cookie = "csrftoken=tok-123";
  });

  it("sends the credentials with the CSRF token and goes where the user was headed", async () => {
    const calls = stubFetch({
      "GET /api/v1/auth/me/": { status: 401, body: { code: "not_authenticated", message: "Log in." } },
      "POST /api/v1/auth/login/": { body: { id: 1, username: "ada", is_staff: false } },
    });
    renderWithApp(<LoginPage />, { path: "/login", route: "/login?next=%2Fjobs%2F42" });
    await userEvent.type(screen.getByLabelText("Username"), "ada");
    await userEvent.type(screen.getByLabelText("Password"), "secret");
    await userEvent.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByText("elsewhere")).toBeInTheDocument();
    const login = calls.find((c) => c.url === "/api/v1/auth/login/")!;
    expect(login.body).toEqual({ username: "ada", password: "secret" });
    expect(login.headers.get("X-CSRFToken")).toBe("tok-123");
  });

  it("says what went wrong", async () => {
    stubFetch({
      "GET /api/v1/auth/me/": { status: 401, body: { code: "not_authenticated", message: "Log in." } },
      "POST /api/v1/auth/login/": {
        status: 401,
        body: { code: "invalid_credentials", message: "The username or password is wrong." },
      },
    });
    renderWithApp(<LoginPage />, { path: "/login", route: "/login" });
    await userEvent.type(screen.getByLabelText("Username"), "ada");
    await userEvent.type(screen.getByLabelText("Password"), "nope");
    await userEvent.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The username or password is wrong.");
  });

  it("only follows next to a page of this site", () => {
    expect(safeNext("/jobs/1")).toBe("/jobs/1");
    expect(safeNext("//evil.example/")).toBe("/");
    expect(safeNext("https://evil.example/")).toBe("/");
    expect(safeNext(null)).toBe("/");
  });
});
