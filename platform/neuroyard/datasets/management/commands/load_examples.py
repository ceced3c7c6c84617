"""Create the built-in example datasets (festival, XOR, adder, 4-pixel camera, digits), shared
with every user. Idempotent: `make run` calls it on every start."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from neuroyard.datasets.examples import EXAMPLES
from neuroyard.datasets.models import Dataset
from neuroyard.datasets.services import dataset_example_put


class Command(BaseCommand):
    help = "Create or refresh the built-in example datasets."

    def handle(self, *args: Any, **options: Any) -> None:
        # Ingested here, not queued: `make run` loads them before any worker is running.
        from neuroyard_worker.ingestion.run import ingest_dataset

        for key, example in EXAMPLES.items():
            dataset, created = dataset_example_put(
                key=key, name=example.name, format=example.format, content=example.build()
            )
            if created:
                ingest_dataset(str(dataset.id))
                dataset.refresh_from_db()
            if dataset.status != Dataset.Status.READY:
                raise CommandError(f"example {key}: {dataset.status} {dataset.error}")
            state = "created" if created else "up to date"
            self.stdout.write(f"example dataset {key}: {state}")
