/** A dataset's first samples: thumbnails for images, a table for tables and texts, else values. */
import { useMemo } from "react";

import { useDatasetPreview } from "../api/queries";
import type { DatasetStats } from "../api/types";
import { formatMetric, valueText } from "../lib/format";
import { previewView, type PreviewBody } from "../lib/preview";
import { ErrorNotice } from "./ErrorNotice";
import { ListTable } from "./ListTable";
import { Loading } from "./PageHeader";
import { PixelThumbnail } from "./Thumbnail";

function cellText(value: unknown): string {
  if (typeof value === "number") return formatMetric(value);
  if (Array.isArray(value)) {
    const flat = value.flat(3) as unknown[];
    const shown = flat.slice(0, 12).map(cellText);
    return `${shown.join(", ")}${flat.length > shown.length ? `, … (${flat.length} values)` : ""}`;
  }
  return valueText(value);
}

export function DatasetPreview({ datasetId, stats }: { datasetId: string; stats: DatasetStats }) {
  const preview = useDatasetPreview(datasetId, true);
  const view = useMemo(
    () => (preview.data ? previewView(preview.data as PreviewBody, stats.value_range) : null),
    [preview.data, stats.value_range],
  );
  if (preview.isPending) return <Loading what="samples" />;
  if (preview.error) return <ErrorNotice error={preview.error} />;
  if (!view) return null;

  if (view.mode === "pictures") {
    return (
      <ul className="thumbs" aria-label="First samples" data-testid="preview-thumbnails">
        {view.samples.map((sample, i) => (
          <li key={i} className="thumb-item">
            {sample.kind === "url" && (
              <img
                className="thumb"
                src={sample.src}
                alt={sample.label ? `Sample of class ${sample.label}` : "Sample"}
              />
            )}
            {sample.kind === "pixels" && <PixelThumbnail image={sample.image} label={sample.label} />}
            <span className="thumb-label">{sample.label}</span>
          </li>
        ))}
      </ul>
    );
  }
  if (view.mode === "table") {
    return (
      <ListTable columns={view.columns}>
        {view.rows.map((row, i) => (
          <tr key={i}>
            {row.map((value, j) => (
              <td key={j}>{cellText(value)}</td>
            ))}
          </tr>
        ))}
      </ListTable>
    );
  }
  if (!view.samples.length) return <p className="muted">No samples to show.</p>;
  return (
    <ListTable columns={["#", "Inputs", "Label"]}>
      {view.samples.map((sample, i) => (
        <tr key={i}>
          <td>{i + 1}</td>
          <td>
            <code className="values">{sample.kind === "values" ? cellText(sample.values) : "image"}</code>
          </td>
          <td>{sample.label}</td>
        </tr>
      ))}
    </ListTable>
  );
}
