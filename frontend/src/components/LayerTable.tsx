/** The layer table, as Keras' model.summary() prints it, and what training it needs in memory. */
import type { LayerSummary, SpecSummary } from "../api/types";
import { formatBytes, formatCount, kerasShape } from "../lib/format";

/** Whether any layer takes something other than the layer before it (a graph, not a stack). */
export function isGraph(layers: readonly LayerSummary[]): boolean {
  return layers.some((layer, i) => {
    const inputs = layer.inputs ?? [];
    const previous = layers[i - 1]?.name;
    return inputs.length > 1 || (inputs.length === 1 && inputs[0] !== previous);
  });
}

function Memory({ summary }: { summary: SpecSummary }) {
  const memory = summary.memory;
  if (!memory?.by_batch_size.length) return null;
  return (
    <p className="memory muted" data-testid="memory-estimate">
      Memory to train:{" "}
      {memory.by_batch_size.map((row) => `${formatBytes(row.bytes)} at batch ${row.batch_size}`).join(", ")} (weights{" "}
      {formatBytes(memory.weights_bytes)}, {formatBytes(memory.activations_bytes_per_sample)} of activations per
      sample).
    </p>
  );
}

export function LayerTable({ summary }: { summary: SpecSummary }) {
  const graph = isGraph(summary.layers);
  const frozen = summary.non_trainable_params ?? summary.total_params - summary.trainable_params;
  return (
    <>
      <div className="table-scroll">
        <table className="layer-table">
          <caption className="visually-hidden">Layers, their output shapes and parameters</caption>
          <thead>
            <tr>
              <th scope="col">Layer (type)</th>
              <th scope="col">Output shape</th>
              <th scope="col" className="num">
                Param #
              </th>
              {graph && <th scope="col">Connected to</th>}
            </tr>
          </thead>
          <tbody>
            {summary.layers.map((layer) => (
              <tr key={layer.name}>
                <td>
                  {layer.name} <span className="muted">({layer.type})</span>
                </td>
                <td>
                  <code>{kerasShape(layer.output_shape)}</code>
                </td>
                <td className="num">{formatCount(layer.params)}</td>
                {graph && <td>{(layer.inputs ?? []).join(", ") || "—"}</td>}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>
                Total params
              </th>
              <td className="num" data-testid="total-params">
                {formatCount(summary.total_params)}
                <span className="muted"> ({formatBytes(summary.total_params * 4)})</span>
              </td>
            </tr>
            <tr>
              <th scope="row" colSpan={2}>
                Trainable params
              </th>
              <td className="num">{formatCount(summary.trainable_params)}</td>
            </tr>
            {frozen > 0 && (
              <tr>
                <th scope="row" colSpan={2}>
                  Non-trainable params
                </th>
                <td className="num">{formatCount(frozen)}</td>
              </tr>
            )}
          </tfoot>
        </table>
      </div>
      <Memory summary={summary} />
    </>
  );
}
