/**
 * `GET /api/v1/job-kinds/` as the server answers it (each kind's params cut to the ones the
 * tests use): what the job form and the job pages are built from.
 */
import type { JobKind } from "../api/types";

export const JOB_KINDS: JobKind[] = [
  {
    name: "train",
    title: "Train a network",
    description: "Fit a network to a dataset, epoch by epoch, and keep the trained model.",
    queue: "gpu",
    needs_dataset: true,
    needs_spec: false,
    needs_model: false,
    accepts_dataset: true,
    accepts_spec: true,
    accepts_model: true,
    inputs: [],
    artifact_kinds: ["model", "tensorboard"],
    checkpointed: true,
    params_schema: {
      additionalProperties: false,
      description: "Starts from the job's spec, or (transfer learning) from its model or a backbone.",
      properties: {
        backbone: {
          anyOf: [
            {
              enum: ["vgg19", "inception_v3", "mobilenet_v2", "resnet50"],
              type: "string",
            },
            {
              type: "null",
            },
          ],
          default: null,
          description:
            "Start from this Keras application (ImageNet weights from NEUROYARD_WEIGHTS_DIR, else random weights), without its classifier.",
          title: "Backbone",
        },
        head: {
          default: "replace",
          description:
            "With a model: replace its last layer (and what follows it) by a new head sized to the dataset, or keep it and fine-tune the whole network.",
          enum: ["replace", "keep"],
          title: "Head",
          type: "string",
        },
        trainable_layers: {
          anyOf: [
            {
              maximum: 10000,
              minimum: 0,
              type: "integer",
            },
            {
              type: "null",
            },
          ],
          default: null,
          description:
            "Train only the last N layers of the model or backbone (0: only the new head). Default: only the head when it is replaced, every layer when it is kept.",
          title: "Trainable Layers",
        },
        freeze_until: {
          anyOf: [
            {
              pattern: "^[A-Za-z0-9_.\\-/]{1,200}$",
              type: "string",
            },
            {
              type: "null",
            },
          ],
          default: null,
          description: "Freeze the model or backbone up to and including this layer.",
          title: "Freeze Until",
        },
        head_dropout: {
          default: 0.0,
          description: "Dropout before the new head's output layer.",
          exclusiveMaximum: 1.0,
          minimum: 0.0,
          title: "Head Dropout",
          type: "number",
        },
        learning_rate: {
          anyOf: [
            {
              exclusiveMinimum: 0.0,
              maximum: 10.0,
              type: "number",
            },
            {
              type: "null",
            },
          ],
          default: null,
          description: "Adam's learning rate when no spec gives a compile section (default 0.001).",
          title: "Learning Rate",
        },
        epochs: {
          default: 10,
          description: "Passes over the training data.",
          maximum: 100000,
          minimum: 1,
          title: "Epochs",
          type: "integer",
        },
        batch_size: {
          default: 32,
          maximum: 65536,
          minimum: 1,
          title: "Batch Size",
          type: "integer",
        },
        validation_split: {
          default: 0.0,
          description: "Fraction of the training data held out for validation.",
          exclusiveMaximum: 1.0,
          minimum: 0.0,
          title: "Validation Split",
          type: "number",
        },
        seed: {
          default: 0,
          description: "Same seed, same data: same model.",
          maximum: 2147483647,
          minimum: 0,
          title: "Seed",
          type: "integer",
        },
        time_limit: {
          anyOf: [
            {
              maximum: 2592000,
              minimum: 1,
              type: "integer",
            },
            {
              type: "null",
            },
          ],
          default: null,
          description: "Stop the job after this many seconds.",
          title: "Time Limit",
        },
        mixed_precision: {
          default: false,
          description: "float16 compute on GPUs (ignored on CPU).",
          title: "Mixed Precision",
          type: "boolean",
        },
        xla: {
          default: false,
          description: "Compile the training step with XLA.",
          title: "Xla",
          type: "boolean",
        },
        distribute: {
          default: false,
          description: "Train across every GPU of the worker (MirroredStrategy).",
          title: "Distribute",
          type: "boolean",
        },
      },
      title: "TrainParams",
      type: "object",
    },
  },
  {
    name: "predict",
    title: "Batch prediction",
    description: "Run a trained model over a dataset or a file and download its predictions.",
    queue: "gpu",
    needs_dataset: false,
    needs_spec: false,
    needs_model: true,
    accepts_dataset: true,
    accepts_spec: false,
    accepts_model: true,
    inputs: [
      {
        name: "data",
        title: "Samples to predict",
        description:
          "An NPZ (x, optionally y), a CSV (the label column optional) or a ZIP of pictures (in class folders, or not), instead of a dataset.",
        required: false,
        accept: ".npz,.csv,.zip",
      },
    ],
    artifact_kinds: ["predictions", "image"],
    checkpointed: false,
    params_schema: {
      additionalProperties: false,
      properties: {
        top_k: {
          default: 5,
          description: "Likeliest classes listed per sample.",
          maximum: 100,
          minimum: 1,
          title: "Top K",
          type: "integer",
        },
        batch_size: {
          default: 256,
          description: "Samples per forward pass.",
          maximum: 65536,
          minimum: 1,
          title: "Batch Size",
          type: "integer",
        },
        split: {
          default: "auto",
          description:
            "Which samples of the job's dataset: auto = its test split if it has one, else all of it. An uploaded file is predicted whole.",
          enum: ["auto", "test", "validation", "train", "all"],
          title: "Split",
          type: "string",
        },
      },
      title: "PredictParams",
      type: "object",
    },
  },
  {
    name: "deepdream",
    title: "DeepDream",
    description: "Amplify the patterns a ConvNet sees in an image.",
    queue: "gpu",
    needs_dataset: false,
    needs_spec: false,
    needs_model: false,
    accepts_dataset: false,
    accepts_spec: false,
    accepts_model: true,
    inputs: [
      {
        name: "image",
        title: "Image",
        description: "The picture to dream on.",
        required: true,
        accept: ".png,.jpg,.jpeg,.gif,.bmp,.webp,.tif,.tiff",
      },
    ],
    artifact_kinds: ["image"],
    checkpointed: false,
    params_schema: {
      additionalProperties: false,
      properties: {
        layers: {
          anyOf: [
            {
              items: {
                pattern: "^[A-Za-z0-9_.\\-/]{1,200}$",
                type: "string",
              },
              maxItems: 16,
              minItems: 1,
              type: "array",
            },
            {
              type: "null",
            },
          ],
          default: null,
          description:
            "Layers whose activations the dream amplifies. Default: mixed3 and mixed5 of InceptionV3, or the last two convolution layers of the job's model.",
          title: "Layers",
        },
        octaves: {
          default: 5,
          description: "Scales octave_scale**k, k centred on 0.",
          maximum: 8,
          minimum: 1,
          title: "Octaves",
          type: "integer",
        },
        steps_per_octave: {
          default: 100,
          maximum: 1000,
          minimum: 1,
          title: "Steps Per Octave",
          type: "integer",
        },
        seed: {
          default: 0,
          description: "Seeds the random roll of the tiles.",
          maximum: 2147483647,
          minimum: 0,
          title: "Seed",
          type: "integer",
        },
        xla: {
          default: false,
          description: "Compile the optimisation step with XLA.",
          title: "Xla",
          type: "boolean",
        },
      },
      title: "DeepDreamParams",
      type: "object",
    },
  },
  {
    name: "style_transfer",
    title: "Style transfer",
    description: "Paint a content image in the style of another.",
    queue: "gpu",
    needs_dataset: false,
    needs_spec: false,
    needs_model: false,
    accepts_dataset: false,
    accepts_spec: false,
    accepts_model: true,
    inputs: [
      {
        name: "content",
        title: "Content image",
        description: "The picture whose content is kept.",
        required: true,
        accept: ".png,.jpg,.jpeg,.gif,.bmp,.webp,.tif,.tiff",
      },
      {
        name: "style",
        title: "Style image",
        description: "The picture whose style is painted on.",
        required: true,
        accept: ".png,.jpg,.jpeg,.gif,.bmp,.webp,.tif,.tiff",
      },
    ],
    artifact_kinds: ["image"],
    checkpointed: false,
    params_schema: {
      additionalProperties: false,
      properties: {
        steps: {
          default: 1000,
          maximum: 20000,
          minimum: 1,
          title: "Steps",
          type: "integer",
        },
        output_size: {
          default: 512,
          description: "Longest side of the output.",
          maximum: 2048,
          minimum: 16,
          title: "Output Size",
          type: "integer",
        },
      },
      title: "StyleTransferParams",
      type: "object",
    },
  },
];

export function jobKind(name: string): JobKind {
  const kind = JOB_KINDS.find((k) => k.name === name);
  if (!kind) throw new Error(`no job kind ${name} in the fixture`);
  return kind;
}
