import { describe, expect, it } from "vitest";

import { ApiError, apiErrorFrom, specIssues } from "../api/errors";
import { needsCsrf, readCookie } from "./csrf";
import { deviceText, devicesOf, workerActions } from "./fleet";
import { formatBytes, formatDuration, formatMetric, formatPercent, kerasShape, secondsBetween } from "./format";
import { jobDuration, ordinal, progressFraction, progressText, weightsText } from "./jobText";
import { parseNumbers, readAnswer } from "./predictions";
import { parseSpecText } from "./specText";
import type { Job } from "../api/types";

describe("formatting", () => {
  it("writes sizes, durations, metrics and shapes the way people read them", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(20 * 1024 * 1024)).toBe("20 MB");
    expect(formatDuration(42.4)).toBe("42 s");
    expect(formatDuration(3725)).toBe("1 h 2 min");
    expect(formatMetric(0.123456)).toBe("0.1235");
    expect(formatMetric(0.00001234)).toBe("1.23e-5");
    expect(kerasShape([28, 28, 1])).toBe("(None, 28, 28, 1)");
    expect([formatPercent(0.9), formatPercent(0.001), formatPercent(0)]).toEqual(["90%", "<1%", "0%"]);
    expect(secondsBetween("2025-01-01T00:00:00Z", "2025-01-01T00:01:30Z")).toBe(90);
  });
});

describe("job progress in words", () => {
  const job = (fields: Partial<Job>) =>
    ({ created_at: "2025-01-01T00:00:00Z", queue_position: null, ...fields }) as Job;

  it("says where a queued job stands and how far a running one is", () => {
    expect(progressText(job({ status: "queued", queue_position: 2 }))).toBe("2nd in the queue");
    expect(progressText(job({ status: "running", progress: { epoch: 3, epochs: 10 } }))).toBe("epoch 3 of 10");
    expect(progressFraction(job({ status: "running", progress: { epoch: 3, epochs: 10 } }))).toBeCloseTo(0.3);
    expect(progressFraction(job({ status: "running", progress: {} }))).toBeNull();
    expect(ordinal(11)).toBe("11th");
    expect(ordinal(23)).toBe("23rd");
  });

  it("shows the download of pretrained weights before the first step", () => {
    const downloading = job({
      status: "running",
      progress: { phase: "downloading weights", bytes: 20_000_000, total: 80_000_000 },
    });
    expect(progressText(downloading)).toBe("downloading weights: 20.0 MB of 80.0 MB");
    expect(progressFraction(downloading)).toBeCloseTo(0.25);
    const unknownSize = job({ status: "running", progress: { phase: "downloading weights", bytes: 5e6, total: null } });
    expect(progressText(unknownSize)).toBe("downloading weights: 5.0 MB");
    expect(progressFraction(unknownSize)).toBeNull();
  });

  it("says which weights a creative job used", () => {
    expect(weightsText("imagenet", "vgg19")).toBe("ImageNet (vgg19, as published by Keras)");
    expect(weightsText("random", "inception_v3")).toMatch(/^random/);
  });

  it("counts a running job's time from its start", () => {
    const now = Date.parse("2025-01-01T00:02:00Z");
    expect(jobDuration(job({ status: "running", started_at: "2025-01-01T00:01:00Z" }), now)).toBe("1 min 0 s");
    expect(jobDuration(job({ status: "queued" }), now)).toBe("waiting 2 min 0 s");
  });
});

describe("API errors", () => {
  it("keeps the API's code and message, and finds words for other answers", () => {
    const error = apiErrorFrom(400, {
      code: "spec_invalid",
      message: "Bad units.",
      details: { errors: [{ loc: "layers[1].units", message: "must be positive" }] },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect([error.code, error.message]).toEqual(["spec_invalid", "Bad units."]);
    expect(specIssues(error)).toEqual([{ loc: "layers[1].units", message: "must be positive" }]);
    expect(apiErrorFrom(502, "<html>").message).toMatch(/not answering/);
  });
});

describe("CSRF", () => {
  it("reads the token cookie and sends it on writes only", () => {
    expect(readCookie("csrftoken", "sessionid=abc; csrftoken=t0k%3D")).toBe("t0k=");
    expect(readCookie("csrftoken", "other=1")).toBeNull();
    expect(needsCsrf("post")).toBe(true);
    expect(needsCsrf("GET")).toBe(false);
  });
});

describe("the spec editor's text", () => {
  it("says what is wrong before asking the server", () => {
    expect(parseSpecText("{").ok).toBe(false);
    expect(parseSpecText("[]")).toEqual({ ok: false, error: 'The spec must be a JSON object with a "layers" list.' });
    expect(parseSpecText('{"layers": []}').ok).toBe(true);
  });
});

describe("predictions", () => {
  it("reads the first sample's top classes, best first", () => {
    const answer = readAnswer({
      status: "done",
      task: "classification",
      predictions: [
        {
          label: "8",
          index: 8,
          probability: 0.9,
          top_k: [
            { label: "3", index: 3, probability: 0.1 },
            { label: "8", index: 8, probability: 0.9 },
          ],
          outputs: [0.1, 0.9],
        },
      ],
    });
    expect(answer).toEqual({
      kind: "classes",
      top: [
        { label: "8", probability: 0.9 },
        { label: "3", probability: 0.1 },
      ],
    });
  });

  it("reads a regressor's value, and a pending answer", () => {
    expect(readAnswer({ status: "done", predictions: [{ value: [3.2], outputs: [3.2] }] })).toEqual({
      kind: "value",
      value: [3.2],
    });
    expect(readAnswer({ status: "pending", poll_url: "/api/v1/models/m/predictions/r/" })).toEqual({
      kind: "pending",
    });
  });

  it("reads numbers typed with commas or spaces", () => {
    expect(parseNumbers("1, 2.5 3")).toEqual({ ok: true, values: [1, 2.5, 3] });
    expect(parseNumbers("1, x")).toEqual({ ok: false, error: "“x” is not a number." });
  });
});

describe("the fleet", () => {
  it("writes devices with their memory and load", () => {
    const gpu = {
      type: "gpu",
      name: "NVIDIA H100",
      memory_total_bytes: 80 * 1024 ** 3,
      memory_used_bytes: 12 * 1024 ** 3,
      utilization_percent: 93.4,
    };
    expect(deviceText(gpu)).toBe("NVIDIA H100 · 12 GB of 80 GB · 93% busy");
    expect(deviceText({ type: "cpu", name: "CPU only", memory_total_bytes: 16 * 1024 ** 3 })).toBe("CPU only · 16 GB");
    expect(devicesOf({ devices: null })).toEqual([]);
  });

  it("offers the controls that fit a worker's state", () => {
    expect(workerActions("busy")).toEqual(["drain", "shutdown"]);
    expect(workerActions("draining")).toEqual(["resume", "shutdown"]);
    expect(workerActions("offline")).toEqual([]);
  });
});
