import { beforeEach, describe, expect, it, vi } from "vitest";

import { ApiError } from "./errors";
import { RESUMABLE_CHUNK_BYTES, uploadResumable } from "./upload";

type Options = Record<string, (...args: unknown[]) => unknown> & {
  endpoint: string;
  chunkSize: number;
  metadata: Record<string, string>;
  storeFingerprintForResuming: boolean;
  removeFingerprintOnSuccess: boolean;
};

/** Stands in for tus-js-client's Upload: records what it was given; each test plays the server. */
const tus = vi.hoisted(() => ({
  previous: [] as unknown[],
  last: null as null | {
    options: Options;
    resumedFrom: unknown;
    started: boolean;
    abortedWith: boolean | null;
  },
}));

vi.mock("tus-js-client", () => ({
  Upload: class {
    state: NonNullable<typeof tus.last>;
    constructor(_file: File, options: Options) {
      this.state = { options, resumedFrom: null, started: false, abortedWith: null };
      tus.last = this.state;
    }
    findPreviousUploads() {
      return Promise.resolve(tus.previous);
    }
    resumeFromPreviousUpload(previous: unknown) {
      this.state.resumedFrom = previous;
    }
    start() {
      this.state.started = true;
    }
    abort(terminate: boolean) {
      this.state.abortedWith = terminate;
      return Promise.resolve();
    }
  },
}));

const response = (status: number, headers: Record<string, string>, body = "") => ({
  getStatus: () => status,
  getHeader: (name: string) => headers[name],
  getBody: () => body,
});

async function started() {
  await vi.waitFor(() => expect(tus.last?.started).toBe(true));
  return tus.last!.options;
}

describe("resumable uploads", () => {
  beforeEach(() => {
    tus.previous = [];
    tus.last = null;
  });

  it("sends the file in pieces to the tus endpoint and resolves with the dataset it became", async () => {
    const progress = vi.fn();
    const file = new File(["x".repeat(100)], "big.npz");
    const done = uploadResumable(file, { name: "big", label_column: "y" }, { onProgress: progress });
    const options = await started();

    expect(options.endpoint).toBe("/api/v1/datasets/uploads/");
    expect(options.chunkSize).toBe(RESUMABLE_CHUNK_BYTES);
    expect(options.metadata).toEqual({ name: "big", label_column: "y", filename: "big.npz" });
    expect(options.storeFingerprintForResuming && options.removeFingerprintOnSuccess).toBe(true);
    options.onProgress!(40, 100);
    options.onAfterResponse!({}, response(204, { "Upload-Offset": "40" }));
    options.onAfterResponse!({}, response(204, { "Upload-Offset": "100", "Neuroyard-Dataset": "ds-1" }));
    options.onSuccess!();

    await expect(done).resolves.toBe("ds-1");
    expect(progress).toHaveBeenCalledWith({ loaded: 40, total: 100 });
  });

  it("goes on with the upload remembered for the same file, after a reload", async () => {
    const remembered = { uploadUrl: "/api/v1/datasets/uploads/abc/", size: 100 };
    tus.previous = [remembered];
    void uploadResumable(new File(["x"], "big.npz"), {});
    await started();

    expect(tus.last!.resumedFrom).toBe(remembered);
  });

  it("fails with the server's coded error when it refuses", async () => {
    const done = uploadResumable(new File(["x"], "big.npz"), {});
    const options = await started();
    const refusal = JSON.stringify({ code: "upload_too_large", message: "The file is over 2 GB." });
    options.onError!(Object.assign(new Error("refused"), { originalResponse: response(413, {}, refusal) }));

    await expect(done).rejects.toMatchObject({ status: 413, code: "upload_too_large" });
  });

  it("fails in words when the network is gone after every retry", async () => {
    const done = uploadResumable(new File(["x"], "big.npz"), {});
    (await started()).onError!(new Error("tus: failed to upload chunk"));

    await expect(done).rejects.toBeInstanceOf(ApiError);
    await expect(done).rejects.toMatchObject({ code: "network_error" });
  });

  it("deletes the unfinished upload when cancelled", async () => {
    const abort = new AbortController();
    const done = uploadResumable(new File(["x"], "big.npz"), {}, { signal: abort.signal });
    await started();
    abort.abort();

    await expect(done).rejects.toMatchObject({ code: "aborted" });
    expect(tus.last!.abortedWith).toBe(true);
  });
});
