/** Samples per class as columns, with the counts written out. */
import { formatCount } from "../lib/format";

interface Props {
  names: readonly string[];
  counts: readonly number[];
}

export function ClassHistogram({ names, counts }: Props) {
  const max = Math.max(1, ...counts);
  return (
    <figure className="histogram">
      <ol className="histogram-bars" aria-label="Samples per class">
        {counts.map((count, i) => (
          <li key={i} className="histogram-bar" title={`${names[i] ?? i}: ${count} samples`}>
            <span className="histogram-count">{formatCount(count)}</span>
            <span className="histogram-fill" style={{ height: `${(count / max) * 100}%` }} aria-hidden="true" />
            <span className="histogram-label">{names[i] ?? i}</span>
          </li>
        ))}
      </ol>
    </figure>
  );
}
