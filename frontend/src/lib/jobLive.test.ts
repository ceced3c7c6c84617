import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { EpochMetric, Job } from "../api/types";
import { initialJobLive, jobLiveReducer, useJobLive, type JobLiveSources } from "./jobLive";

const at = 0;

describe("the live job state", () => {
  it("shows a weights download as the job's progress and logs that it started", () => {
    const at = 0;
    const progress = { phase: "downloading weights", bytes: 1000, total: 4000 };
    let state = jobLiveReducer(initialJobLive, { type: "progress", progress, at });
    state = jobLiveReducer(state, { type: "progress", progress: { ...progress, bytes: 4000 }, at });
    expect(state.status).toBe("running");
    expect(state.progress).toEqual({ ...progress, bytes: 4000 });
    expect(state.log.map((line) => line.text)).toEqual(["Started downloading weights."]);
  });

  it("takes the snapshot, then adds each epoch as it comes", () => {
    let state = jobLiveReducer(initialJobLive, {
      type: "snapshot",
      snapshot: { status: "running", progress: { epoch: 1, epochs: 3 }, epochs: [{ epoch: 1, values: { loss: 1 } }] },
      at,
    });
    state = jobLiveReducer(state, { type: "epoch", epoch: 2, epochs: 3, values: { loss: 0.5 }, at });
    expect(state.status).toBe("running");
    expect(state.progress).toEqual({ epoch: 2, epochs: 3 });
    expect(state.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(state.log.at(-1)!.text).toBe("Epoch 2 of 3: loss 0.5");
  });

  it("counts an image job's rows as steps, not epochs", () => {
    const state = jobLiveReducer(initialJobLive, {
      type: "snapshot",
      snapshot: {
        status: "succeeded",
        progress: { step: 20, steps: 20 },
        epochs: [
          { epoch: 10, values: { loss: 4 } },
          { epoch: 20, values: { loss: 2 } },
        ],
      },
      at,
    });
    expect(state.log.at(-1)!.text).toMatch(/, 2 steps done$/);
  });

  it("does not count an epoch twice when the snapshot and an event both carry it", () => {
    let state = jobLiveReducer(initialJobLive, { type: "epoch", epoch: 1, values: { loss: 1 }, at });
    state = jobLiveReducer(state, {
      type: "snapshot",
      snapshot: { status: "running", epochs: [{ epoch: 1, values: { loss: 1 } }] },
      at,
    });
    state = jobLiveReducer(state, { type: "epoch", epoch: 1, values: { loss: 1 }, at });
    expect(state.epochs).toHaveLength(1);
  });

  it("knows a job is running once an epoch arrives, even if the running event was missed", () => {
    const state = jobLiveReducer({ ...initialJobLive, status: "queued" }, { type: "epoch", epoch: 1, values: {}, at });
    expect(state.status).toBe("running");
  });

  it("keeps the error of a failed job in words", () => {
    const state = jobLiveReducer(initialJobLive, {
      type: "status",
      status: "failed",
      error: { code: "out_of_memory", message: "The worker ran out of memory." },
      at,
    });
    expect(state.error?.message).toBe("The worker ran out of memory.");
    expect(state.log.at(-1)!.text).toBe("Failed: The worker ran out of memory.");
  });

  it("merges a polled job row and its new metrics", () => {
    const job = { status: "running", progress: { epoch: 2, epochs: 5 }, error: null } as unknown as Job;
    const metrics: EpochMetric[] = [
      { epoch: 1, values: { loss: 1 }, created_at: "" },
      { epoch: 2, values: { loss: 0.6 }, created_at: "" },
    ];
    const state = jobLiveReducer(initialJobLive, { type: "polled", job, metrics, at });
    expect(state.status).toBe("running");
    expect(state.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(state.progress).toEqual({ epoch: 2, epochs: 5 });
  });
});

/** A stand-in for the browser's EventSource that the test drives. */
class FakeEventSource extends EventTarget {
  static instances: FakeEventSource[] = [];
  readyState = 0;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    super();
    FakeEventSource.instances.push(this);
  }
  emit(type: string, data: unknown) {
    this.readyState = 1;
    this.dispatchEvent(new MessageEvent(type, { data: JSON.stringify(data) }));
  }
  fail(readyState: number) {
    this.readyState = readyState;
    this.onerror?.(new Event("error"));
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
}

function sources(overrides: Partial<JobLiveSources> = {}): JobLiveSources {
  return {
    EventSource: FakeEventSource as unknown as typeof EventSource,
    fetchJob: vi.fn(async () => ({ status: "running", progress: {}, error: null }) as unknown as Job),
    fetchMetrics: vi.fn(async () => []),
    pollMs: 2000,
    connectTimeoutMs: 5000,
    now: () => 0,
    ...overrides,
  };
}

describe("following a job", () => {
  beforeEach(() => {
    FakeEventSource.instances = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it("shows epochs from the event stream and stops at the final status", () => {
    const onEnd = vi.fn();
    const { result } = renderHook(() => useJobLive("job-1", sources(), onEnd));
    const stream = FakeEventSource.instances[0]!;
    expect(stream.url).toBe("/api/v1/jobs/job-1/events/");

    act(() => stream.emit("snapshot", { status: "running", progress: {}, epochs: [], error: null }));
    act(() => stream.emit("epoch", { type: "epoch", epoch: 1, epochs: 2, values: { loss: 1 } }));
    act(() => stream.emit("epoch", { type: "epoch", epoch: 2, epochs: 2, values: { loss: 0.5 } }));
    expect(result.current.transport).toBe("events");
    expect(result.current.epochs).toHaveLength(2);

    act(() => stream.emit("status", { type: "status", status: "succeeded" }));
    expect(result.current.status).toBe("succeeded");
    expect(stream.closed).toBe(true);
    expect(onEnd).toHaveBeenCalledWith("succeeded");
  });

  it("polls the job and its new metrics when the server refuses the stream", async () => {
    let polls = 0;
    const fetchMetrics = vi.fn(
      async (_id: string, after: number) =>
        (after < 1 ? [{ epoch: 1, values: { loss: 1 }, created_at: "" }] : []) as EpochMetric[],
    );
    // the job row is read first, so the metrics read after it include every epoch it counts
    const fetchJob = vi.fn(async () => {
      polls += 1;
      return {
        status: polls >= 2 ? "succeeded" : "running",
        progress: { epoch: 1, epochs: 1 },
        error: null,
      } as unknown as Job;
    });
    const onEnd = vi.fn();
    const { result } = renderHook(() => useJobLive("job-2", sources({ fetchJob, fetchMetrics }), onEnd));

    await act(async () => FakeEventSource.instances[0]!.fail(2));
    expect(result.current.transport).toBe("polling");
    expect(result.current.epochs).toHaveLength(1);
    expect(fetchMetrics).toHaveBeenLastCalledWith("job-2", 0);

    await act(async () => vi.advanceTimersByTimeAsync(2000));
    expect(fetchMetrics).toHaveBeenLastCalledWith("job-2", 1);
    expect(result.current.status).toBe("succeeded");
    expect(onEnd).toHaveBeenCalledWith("succeeded");
  });

  it("lets the browser reconnect a dropped stream instead of polling", async () => {
    const { result } = renderHook(() => useJobLive("job-3", sources()));
    const stream = FakeEventSource.instances[0]!;
    act(() => stream.emit("snapshot", { status: "running", epochs: [] }));
    await act(async () => stream.fail(0));
    expect(result.current.transport).toBe("events");
  });

  it("polls when no snapshot arrives in time (a proxy holding the stream back)", async () => {
    const { result } = renderHook(() => useJobLive("job-4", sources()));
    await act(async () => vi.advanceTimersByTimeAsync(5000));
    expect(result.current.transport).toBe("polling");
    expect(FakeEventSource.instances[0]!.closed).toBe(true);
  });

  it("polls where the browser has no EventSource", async () => {
    const fetchJob = vi.fn(async () => ({ status: "queued", progress: {}, error: null }) as unknown as Job);
    const { result } = renderHook(() => useJobLive("job-5", sources({ EventSource: null, fetchJob })));
    await act(async () => undefined);
    expect(fetchJob).toHaveBeenCalledWith("job-5");
    expect(result.current.status).toBe("queued");
  });
});

describe("an image job's steps", () => {
  it("are points on its curves and its progress, logged sparingly", () => {
    let state = initialJobLive;
    for (let step = 1; step <= 100; step++) {
      state = jobLiveReducer(state, { type: "step", step, steps: 100, values: { loss: 1 / step }, at: 0 });
    }
    expect(state.status).toBe("running");
    expect(state.progress).toEqual({ step: 100, steps: 100 });
    expect(state.epochs).toHaveLength(100);
    expect(state.log).toHaveLength(20);
    expect(state.log.at(-1)!.text).toBe("Step 100 of 100: loss 0.01");
  });

  it("come from polled metrics as steps when the job counts steps", () => {
    const job = { status: "running", progress: { step: 2, steps: 10 }, error: null } as unknown as Job;
    const metrics: EpochMetric[] = [{ epoch: 2, values: { loss: 0.5 }, created_at: "" }];
    const state = jobLiveReducer(initialJobLive, { type: "polled", job, metrics, at: 0 });
    expect(state.progress).toEqual({ step: 2, steps: 10 });
    expect(state.log.map((l) => l.text)).toContain("Step 2 of 10: loss 0.5");
  });
});
