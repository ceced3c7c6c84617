from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet

from neuroyard.core.selectors import get_owned, owned_by
from neuroyard.sweeps.models import Sweep, SweepTrial


def sweep_list(*, user: Any) -> QuerySet[Sweep]:
    """With each sweep's trials started and ended, and its best completed value either way
    (`best_high`, `best_low`: the direction picks one)."""
    complete = Q(trials__state=SweepTrial.State.COMPLETE)
    return owned_by(Sweep.objects.all(), user).annotate(
        trials_started=Count("trials"),
        trials_ended=Count("trials", filter=~Q(trials__state=SweepTrial.State.RUNNING)),
        best_high=Max("trials__value", filter=complete),
        best_low=Min("trials__value", filter=complete),
    )


def sweep_get(*, user: Any, sweep_id: object) -> Sweep:
    return get_owned(Sweep.objects.all(), user, sweep_id, what="Sweep")


def sweep_trials(*, sweep: Sweep) -> QuerySet[SweepTrial]:
    return sweep.trials.select_related("job").order_by("number")


def sweep_best_so_far(*, sweep: Sweep) -> SweepTrial | None:
    """The completed trial with the best value (pruned trials never count)."""
    order = "-value" if sweep.settings.get("direction", "maximize") == "maximize" else "value"
    return (
        sweep.trials.filter(state=SweepTrial.State.COMPLETE, value__isnull=False)
        .order_by(order, "number")
        .first()
    )
