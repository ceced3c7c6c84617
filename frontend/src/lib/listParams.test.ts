import { describe, expect, it } from "vitest";

import { hasJobFilters, readJobFilters, withJobFilter } from "./listParams";

describe("job list filters in the URL", () => {
  it("reads what the URL says and falls back for what it should not say", () => {
    const filters = readJobFilters(new URLSearchParams("q=mlp&status=failed&sort=bogus&owner=them&network=n1"));
    expect(filters).toEqual({
      search: "mlp",
      status: "failed",
      kind: "",
      dataset: "",
      spec: "n1",
      sort: "-created",
      owner: "all",
      sweep: "",
    });
    expect(hasJobFilters(filters)).toBe(true);
    expect(hasJobFilters(readJobFilters(new URLSearchParams("sort=name")))).toBe(false);
    // a sweep's trials (its page's "Its jobs") are a filter too, kept in the URL
    expect(readJobFilters(new URLSearchParams("sweep=s1")).sweep).toBe("s1");
    expect(hasJobFilters(readJobFilters(new URLSearchParams("sweep=s1")))).toBe(true);
    expect(withJobFilter(new URLSearchParams("sweep=s1&cursor=c"), "sweep", "").toString()).toBe("");
  });

  it("writes a changed filter, drops defaults and goes back to the first page", () => {
    const start = new URLSearchParams("status=failed&cursor=abc");
    const sorted = withJobFilter(start, "sort", "-metric");
    expect(sorted.toString()).toBe("status=failed&sort=-metric");
    expect(withJobFilter(sorted, "sort", "-created").toString()).toBe("status=failed");
    expect(withJobFilter(sorted, "search", "digits").get("q")).toBe("digits");
    expect(withJobFilter(sorted, "owner", "me").get("owner")).toBe("me");
  });
});
