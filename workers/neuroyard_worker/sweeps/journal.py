"""Optuna's journal storage, kept in the project's database.

Why not Optuna's RDBStorage on the same DATABASE_URL: it brings a second ORM (SQLAlchemy) and
its own Alembic-managed tables into a database whose schema Django's migrations own, a second
connection pool per worker process, and, on the default SQLite file, a writer that ignores the
IMMEDIATE transactions the other processes queue behind. The journal storage needs two calls
(read the operations from number n, append some), so the study lives in one Django table
(SweepJournalEntry), migrated, backed up and deleted with its sweep, and writes join the
caller's transaction: a trial asked for and the job that runs it commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from optuna.storages.journal import BaseJournalBackend

from neuroyard.sweeps.models import SweepJournalEntry

APPEND_ATTEMPTS = 50


class SweepJournal(BaseJournalBackend):
    """One sweep's journal. Entries are numbered densely from 0 (unique per sweep), so a reader
    that has seen entries up to n never misses one committed later with a smaller number."""

    def __init__(self, sweep_id: object) -> None:
        self.sweep_id = sweep_id

    def read_logs(self, log_number_from: int) -> Iterable[dict[str, Any]]:
        return list(
            SweepJournalEntry.objects.filter(sweep_id=self.sweep_id, seq__gte=log_number_from)
            .order_by("seq")
            .values_list("entry", flat=True)
        )

    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        for _ in range(APPEND_ATTEMPTS):
            try:
                with transaction.atomic():
                    last = SweepJournalEntry.objects.filter(sweep_id=self.sweep_id).aggregate(
                        last=Max("seq")
                    )["last"]
                    start = -1 if last is None else last
                    SweepJournalEntry.objects.bulk_create(
                        SweepJournalEntry(sweep_id=self.sweep_id, seq=start + 1 + i, entry=log)
                        for i, log in enumerate(logs)
                    )
                return
            except IntegrityError:  # another process took these numbers first: after them
                continue
        raise RuntimeError(f"sweep {self.sweep_id}: could not append to the study's journal")
