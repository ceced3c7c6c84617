import { describe, expect, it } from "vitest";

import { allPages, nextCursor } from "./allPages";

describe("allPages", () => {
  it("follows next until it runs out, in order", async () => {
    const pages: Record<string, { results: number[]; next: string | null }> = {
      first: { results: [1, 2], next: "http://testserver/api/v1/datasets/?cursor=b&limit=2" },
      b: { results: [3, 4], next: "/api/v1/datasets/?limit=2&cursor=c" },
      c: { results: [5], next: null },
    };
    const asked: (string | undefined)[] = [];
    const all = await allPages((cursor) => {
      asked.push(cursor);
      return Promise.resolve(pages[cursor ?? "first"]!);
    });
    expect(all.results).toEqual([1, 2, 3, 4, 5]);
    expect(all.next).toBeNull();
    expect(asked).toEqual([undefined, "b", "c"]);
  });

  it("asks once when everything fits a page", async () => {
    let calls = 0;
    const all = await allPages(() => {
      calls += 1;
      return Promise.resolve({ results: ["a"], next: null });
    });
    expect(all.results).toEqual(["a"]);
    expect(calls).toBe(1);
  });

  it("stops at a server that never ends", async () => {
    let calls = 0;
    const all = await allPages(() => {
      calls += 1;
      return Promise.resolve({ results: [calls], next: "/x/?cursor=again" });
    });
    expect(calls).toBe(100);
    expect(all.results).toHaveLength(100);
  });
});

describe("nextCursor", () => {
  it("reads the cursor of a link", () => {
    expect(nextCursor("/api/v1/specs/?cursor=abc%3D&limit=5")).toBe("abc=");
    expect(nextCursor(null)).toBeNull();
    expect(nextCursor("/api/v1/specs/?limit=5")).toBeNull();
  });
});
