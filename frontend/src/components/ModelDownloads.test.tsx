import { describe, expect, it, vi } from "vitest";

import { waitForExport } from "./ModelDownloads";

describe("downloading a converted model", () => {
  it("waits while the server converts, then lets the download start", async () => {
    const statuses = [202, 202, 200];
    const fetchMock = vi.fn(async () => new Response("…", { status: statuses.shift() }));
    vi.stubGlobal("fetch", fetchMock);
    await waitForExport("m-1", "tflite", async () => undefined);
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });

  it("says why a conversion failed", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(
        async () =>
          new Response(JSON.stringify({ code: "export_failed", message: "TFLite cannot convert LSTM." }), {
            status: 409,
          }),
      ),
    );
    await expect(waitForExport("m-1", "tflite", async () => undefined)).rejects.toThrow("TFLite cannot convert LSTM.");
  });
});
