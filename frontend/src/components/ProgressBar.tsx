interface Props {
  /** 0..1, or null for an indeterminate bar */
  value: number | null;
  label: string;
  text?: string;
}

export function ProgressBar({ value, label, text }: Props) {
  const percent = value === null ? null : Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div className="progress">
      <div
        className={`progress-track${percent === null ? " progress-indeterminate" : ""}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={text}
      >
        <div className="progress-fill" style={{ width: percent === null ? undefined : `${percent}%` }} />
      </div>
      {text && <span className="progress-text">{text}</span>}
    </div>
  );
}
