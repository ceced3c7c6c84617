/** A small dense network drawn as neurons and connections; trained weights colour the lines. */
import { useMemo } from "react";

import type { SpecLayer } from "../api/types";
import { denseDiagram } from "../lib/diagram";

interface Props {
  layers: readonly SpecLayer[];
  kernels?: (number[][] | null)[];
}

const POSITIVE = "#2563eb";
const NEGATIVE = "#ea580c";

export function NetworkDiagram({ layers, kernels }: Props) {
  const diagram = useMemo(() => denseDiagram(layers, { kernels }), [layers, kernels]);
  if (!diagram) {
    return <p className="muted">The diagram is drawn for stacks of Dense layers on a flat input.</p>;
  }
  const weighted = diagram.maxAbsWeight > 0;
  const summary = diagram.layers.map((l) => `${l.units}`).join("-");
  return (
    <figure className="diagram">
      <svg
        viewBox={`0 0 ${diagram.width} ${diagram.height}`}
        role="img"
        aria-label={`Network diagram: layers of ${summary} neurons`}
        data-testid="network-diagram"
      >
        <g className="diagram-edges">
          {diagram.edges.map((edge, i) => {
            const strength = weighted && edge.weight !== null ? Math.abs(edge.weight) / diagram.maxAbsWeight : null;
            return (
              <line
                key={i}
                x1={edge.x1}
                y1={edge.y1}
                x2={edge.x2}
                y2={edge.y2}
                stroke={strength === null ? "currentColor" : edge.weight! >= 0 ? POSITIVE : NEGATIVE}
                strokeOpacity={strength === null ? 0.18 : 0.25 + 0.75 * strength}
                strokeWidth={strength === null ? 0.8 : 0.4 + 3.6 * strength}
              />
            );
          })}
        </g>
        {diagram.layers.map((layer, li) => (
          <g key={li} className="diagram-layer">
            <text x={layer.x} y={14} textAnchor="middle" className="diagram-title">
              {layer.title}
            </text>
            <text x={layer.x} y={27} textAnchor="middle" className="diagram-subtitle">
              {layer.units}
              {layer.activation && layer.activation !== "linear" ? ` · ${layer.activation}` : ""}
            </text>
            {layer.nodes.map((node) => (
              <circle
                key={node.index}
                cx={node.x}
                cy={node.y}
                r={7}
                className={`neuron neuron-${li === 0 ? "input" : "unit"}`}
              >
                <title>{`${layer.title} neuron ${node.index + 1}`}</title>
              </circle>
            ))}
            {layer.gap && (
              <text x={layer.x} y={layer.gap.y + 4} textAnchor="middle" className="diagram-gap">
                ⋮ <title>{`${layer.gap.hidden} more neurons`}</title>
              </text>
            )}
          </g>
        ))}
      </svg>
      {weighted && (
        <figcaption className="muted">
          <span style={{ color: POSITIVE }}>■</span> positive weight, <span style={{ color: NEGATIVE }}>■</span>{" "}
          negative; thicker lines are larger weights.
        </figcaption>
      )}
    </figure>
  );
}
