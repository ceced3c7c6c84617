"""Per-kind glue between a claimed job and its engine module: one module per kind, whose entry
point the kind's registry entry names (`neuroyard_core.jobs.kinds`)."""
