const LABELS: Record<string, string> = {
  queued: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
  pruned: "Stopped early",
  processing: "Processing",
  checking: "Checking",
  ready: "Ready",
  invalid: "Invalid",
  idle: "Idle",
  busy: "Busy",
  draining: "Draining",
  offline: "Offline",
};

export function StatusBadge({ status }: { status: string | null | undefined }) {
  const value = status ?? "unknown";
  return (
    <span className={`badge badge-${value}`} data-status={value}>
      {LABELS[value] ?? value}
    </span>
  );
}
