"""Create the built-in example datasets (festival, XOR, adder, 4-pixel camera, digits), shared
with every user. Idempotent: `make run` runs `python -m neuroyard_worker.runtime.examples` on
every start. They are ingested here, not queued: `make run` loads them before any worker runs,
and ingestion is worker code (the web process never imports it)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


class ExampleNotReady(Exception):
    pass


def load_examples(*, say: Callable[[str], object] = print) -> None:
    from neuroyard.datasets.examples import EXAMPLES
    from neuroyard.datasets.models import Dataset
    from neuroyard.datasets.services import dataset_example_put
    from neuroyard_worker.runtime.dataset_ingest import ingest_dataset

    for key, example in EXAMPLES.items():
        dataset, created = dataset_example_put(
            key=key, name=example.name, format=example.format, content=example.build()
        )
        if created:
            ingest_dataset(str(dataset.id))
            dataset.refresh_from_db()
        if dataset.status != Dataset.Status.READY:
            raise ExampleNotReady(f"example {key}: {dataset.status} {dataset.error}")
        say(f"example dataset {key}: {'created' if created else 'up to date'}")


def main() -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neuroyard.config.settings")
    django.setup()
    try:
        load_examples()
    except ExampleNotReady as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
