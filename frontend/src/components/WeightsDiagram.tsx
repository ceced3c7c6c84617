/** A trained model drawn neuron by neuron, each connection coloured by its weight. */
import { errorMessage } from "../api/errors";
import { useModelWeights } from "../api/queries";
import { diagramOfWeights } from "../lib/weights";
import { NetworkDiagram } from "./NetworkDiagram";
import { Loading } from "./PageHeader";

export function WeightsDiagram({ modelId }: { modelId: string }) {
  const weights = useModelWeights(modelId, true);
  if (weights.isPending) return <Loading what="the weights" />;
  if (weights.error) return <p className="muted">{errorMessage(weights.error)}</p>;
  const drawn = weights.data ? diagramOfWeights(weights.data) : null;
  if (!drawn) return <p className="muted">This model has no dense layers to draw.</p>;
  return <NetworkDiagram layers={drawn.layers} kernels={drawn.kernels} />;
}
