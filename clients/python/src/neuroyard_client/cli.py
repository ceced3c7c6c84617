"""The `neuroyard` command. Every command takes `--json` (the API's JSON on stdout, for
scripts) and `--debug` (a traceback on errors); errors are one line on stderr and a non-zero
exit status. A followed job that fails exits with 3, a cancelled one with 4."""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem, get_completion_class

from neuroyard_client import __version__
from neuroyard_client.client import Neuroyard
from neuroyard_client.config import Config, resolve
from neuroyard_client.errors import NeuroyardError
from neuroyard_client.jobs import Job
from neuroyard_client.models import FORMATS, IMAGE_SUFFIXES
from neuroyard_client.sweep_table import SweepFollower, sweep_lines, table_lines
from neuroyard_client.sweeps import Sweep

EXIT_ERROR, EXIT_JOB_FAILED, EXIT_JOB_CANCELLED = 1, 3, 4  # a followed sweep's too
HINTS = {
    "not_authenticated": "log in with `neuroyard login`",
    "authentication_failed": "the token was refused; log in again with `neuroyard login`",
    "connection_failed": "check the URL (`--url` or NEUROYARD_URL) and that the server runs",
}


def _flag(name: str) -> Callable[[click.Context, click.Parameter, bool], None]:
    def remember(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        if value:
            ctx.find_root().meta[name] = True

    return remember


class Command(click.Command):
    """A command with the options every command has."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params += [
            click.Option(["--json", "as_json"], is_flag=True, expose_value=False,
                         callback=_flag("json"), help="Print the API's JSON."),
            click.Option(["--debug"], is_flag=True, expose_value=False,
                         callback=_flag("debug"), help="Show tracebacks."),
        ]  # fmt: skip


class Group(click.Group):
    command_class = Command
    group_class = type


def as_json() -> bool:
    return bool(click.get_current_context().find_root().meta.get("json"))


def client() -> Neuroyard:
    root = click.get_current_context().find_root()
    if "client" not in root.meta:
        params = root.params
        root.meta["client"] = Neuroyard(
            params.get("url"),
            params.get("token"),
            progress=not params.get("quiet"),
            lines=sys.stderr if as_json() else None,  # stdout holds only the JSON
        )
    ny: Neuroyard = root.meta["client"]
    return ny


def emit(data: Any, human: Callable[[], None]) -> None:
    if as_json():
        click.echo(json.dumps(data, indent=2, default=str))
    else:
        human()


def table(rows: Iterable[dict[str, Any]], columns: list[str]) -> None:
    for line in table_lines(rows, columns, _cell):
        click.echo(line)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def details(data: dict[str, Any]) -> None:
    width = max(len(k) for k in data)
    for key, value in data.items():
        click.echo(f"{key.ljust(width)}  {_cell(value)}")


def key_values(pairs: Iterable[str]) -> dict[str, Any]:
    """`KEY=VALUE` arguments; VALUE is read as JSON when it is JSON (3, 0.5, true, [1, 2])."""
    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"'{pair}' is not KEY=VALUE")
        try:
            values[key] = json.loads(raw)
        except ValueError:
            values[key] = raw
    return values


def read_json(path: str) -> Any:
    if path != "-" and not Path(path).is_file():
        raise NeuroyardError("file_not_found", f"No such file: {path}")
    text = sys.stdin.read() if path == "-" else Path(path).read_text()
    try:
        return json.loads(text)
    except ValueError as exc:
        where = "stdin" if path == "-" else path
        raise NeuroyardError("invalid_json", f"{where} is not JSON: {exc}") from None


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--url", envvar="NEUROYARD_URL", help="The server (default: from login).")
@click.option("--token", envvar="NEUROYARD_TOKEN", help="An API token (default: from login).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars or epoch lines.")
@click.option("--json", "as_json", is_flag=True, expose_value=False, callback=_flag("json"),
              help="Print the API's JSON.")  # fmt: skip
@click.option("--debug", is_flag=True, expose_value=False, callback=_flag("debug"),
              help="Show tracebacks.")  # fmt: skip
@click.version_option(__version__, prog_name="neuroyard")
def cli(url: str | None, token: str | None, quiet: bool) -> None:
    """Neuroyard from a terminal: datasets, networks, jobs followed live, models."""


# -- accounts -----------------------------------------------------------------------------


@cli.command()
@click.option("--username", "-u", prompt=True, help="Your user name.")
@click.option("--password", envvar="NEUROYARD_PASSWORD", help="Asked for when not given.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def login(username: str, password: str | None, password_stdin: bool) -> None:
    """Get an API token and keep it (with the URL) in your config folder, readable by you only."""
    url, _ = resolve(click.get_current_context().find_root().params.get("url"))
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif password is None:
        password = click.prompt("Password", hide_input=True)
    token = Neuroyard.token_for(url, username, password)
    path = Config(url=url, token=token, username=username).save()
    emit(
        {"url": url, "username": username, "config": str(path)},
        lambda: click.echo(f"Logged in to {url} as {username}; token saved in {path}"),
    )


@cli.command()
def whoami() -> None:
    """Who the token belongs to, on which server."""
    ny = client()
    me = ny.whoami() | {"url": ny.url}
    staff = " (staff)" if me.get("is_staff") else ""
    emit(me, lambda: click.echo(f"{me['username']}{staff} at {ny.url}"))


# -- datasets -----------------------------------------------------------------------------


@cli.group(cls=Group)
def datasets() -> None:
    """Upload and look at datasets."""


DATASET_COLUMNS = ["id", "name", "format", "status", "size_bytes", "created_at"]


@datasets.command("upload")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--name", help="Default: the file's name.")
@click.option("--option", "-o", "options", multiple=True, metavar="KEY=VALUE",
              help="An ingestion option: label_column, image_size, test_fraction, ...")  # fmt: skip
@click.option("--no-wait", is_flag=True, help="Do not wait for the dataset to be checked.")
def datasets_upload(file: str, name: str | None, options: tuple[str, ...], no_wait: bool) -> None:
    """Upload FILE (NPZ, CSV, ZIP of image folders): resumable, with a progress bar; waits
    until the server has checked it (or says why it is invalid)."""
    dataset = client().datasets.upload(file, name=name, wait=not no_wait, **key_values(options))
    emit(
        dataset.data,
        lambda: click.echo(f"{dataset.id}  {dataset.name}  {dataset.status}"),
    )


@datasets.command("list")
@click.option("--limit", default=50, show_default=True)
def datasets_list(limit: int) -> None:
    """Your datasets (and the shared examples)."""
    rows = [d.data for d in client().datasets.list(limit=limit)]
    emit(rows, lambda: table(rows, DATASET_COLUMNS))


@datasets.command("show")
@click.argument("dataset")
def datasets_show(dataset: str) -> None:
    """One dataset, with its statistics."""
    data = client().datasets.get(dataset).data
    emit(data, lambda: details(data))


@datasets.command("delete")
@click.argument("dataset")
def datasets_delete(dataset: str) -> None:
    """Delete a dataset and its files."""
    client().datasets.delete(dataset)
    emit({"deleted": dataset}, lambda: click.echo(f"Deleted {dataset}"))


# -- specs and templates ------------------------------------------------------------------


@cli.group(cls=Group)
def specs() -> None:
    """Network specs."""


@specs.command("create")
@click.argument("name")
@click.argument("file", type=click.Path(allow_dash=True))
def specs_create(name: str, file: str) -> None:
    """Save the spec in FILE (JSON; - for stdin) as NAME."""
    spec = client().specs.create(name, read_json(file))
    summary = spec.summary
    emit(
        spec.data,
        lambda: click.echo(f"{spec.id}  {spec.name}  {summary.get('total_params', '?')} params"),
    )


@specs.command("validate")
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--dataset", help="Check the spec against this dataset's shapes.")
@click.option("--batch-size", type=int, help="Add this batch size to the memory estimate.")
def specs_validate(file: str, dataset: str | None, batch_size: int | None) -> None:
    """Check the spec in FILE: Keras' layer table, parameters and memory."""
    summary = client().specs.validate(read_json(file), dataset=dataset, batch_size=batch_size)

    def human() -> None:
        table(summary.get("layers", []), ["name", "type", "output_shape", "params"])
        click.echo(f"total params: {summary.get('total_params')}")

    emit(summary, human)


@specs.command("list")
@click.option("--limit", default=50, show_default=True)
def specs_list(limit: int) -> None:
    """Your saved specs."""
    rows = [s.data for s in client().specs.list(limit=limit)]
    emit(rows, lambda: table(rows, ["id", "name", "created_at"]))


@cli.group(cls=Group)
def templates() -> None:
    """The classic networks the server offers."""


@templates.command("list")
def templates_list() -> None:
    """Every template, with the example dataset it trains on."""
    rows = [t.data for t in client().templates.list()]
    emit(rows, lambda: table(rows, ["key", "name", "example_key"]))


# -- jobs ---------------------------------------------------------------------------------


def complete_kind(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    try:
        kinds = Neuroyard(progress=False).jobs.kinds()
    except NeuroyardError:
        return []
    return [
        CompletionItem(k.name, help=k.title)
        for k in kinds.values()
        if k.name.startswith(incomplete)
    ]


@cli.group(cls=Group)
def jobs() -> None:
    """Submit, follow and cancel jobs."""


JOB_COLUMNS = ["id", "kind", "status", "progress", "created_at"]


def follow_and_exit(job: Job) -> None:
    job = job.follow(check=False)
    error = job.error or {}

    def human() -> None:
        if job.status == "succeeded":
            model = job.result.get("model")
            click.echo(f"Job {job.id} succeeded" + (f"; model {model}" if model else ""))

    emit(job.data, human)
    if job.status != "succeeded":
        message = error.get("message") or f"the job was {job.status}"
        code = f" ({error['code']})" if error.get("code") else ""
        click.echo(f"neuroyard: job {job.id} {job.status}{code}: {message}", err=True)
        sys.exit(EXIT_JOB_CANCELLED if job.status == "cancelled" else EXIT_JOB_FAILED)


@jobs.command("submit")
@click.argument("kind", shell_complete=complete_kind)
@click.argument("values", nargs=-1, metavar="[KEY=VALUE | INPUT=@FILE]...")
@click.option("--dataset", help="The dataset's id.")
@click.option("--spec", help="The spec's id.")
@click.option("--model", help="The model's id.")
@click.option("--params", "params_json", help="Params as one JSON object.")
@click.option("--follow", "-f", is_flag=True, help="Follow the job until it ends.")
def jobs_submit(
    kind: str,
    values: tuple[str, ...],
    dataset: str | None,
    spec: str | None,
    model: str | None,
    params_json: str | None,
    follow: bool,
) -> None:
    """Submit a job of KIND (train, predict, deepdream, style_transfer, ... any kind the
    server has). KEY=VALUE are its params (JSON values: epochs=5); the kind's inputs are files
    (image=cat.jpg, or image=@cat.jpg), uploaded with the job."""
    ny = client()
    inputs = [i.name for i in ny.jobs.kind(kind).inputs]
    params = json.loads(params_json) if params_json else {}
    files: dict[str, str] = {}
    raw = dict(pair.partition("=")[::2] for pair in values)
    for key, value in key_values(values).items():
        if key in inputs:
            files[key] = raw[key].removeprefix("@")
        elif isinstance(value, str) and value.startswith("@"):
            raise NeuroyardError(
                "unknown_input",
                f"A {kind} job has no input '{key}'; its inputs: {', '.join(inputs) or 'none'}.",
            )
        else:
            params[key] = value
    job = ny.jobs.submit(kind, dataset=dataset, spec=spec, model=model, params=params, **files)
    if follow:
        if not as_json():
            click.echo(f"Job {job.id} {job.status}")
        follow_and_exit(job)
    else:
        emit(job.data, lambda: click.echo(f"{job.id}  {job.kind}  {job.status}"))


@jobs.command("kinds")
def jobs_kinds() -> None:
    """The job kinds this server runs, with their inputs and params."""
    kinds = client().jobs.kinds()
    rows = [
        {"name": k.name, "inputs": ", ".join(i.name for i in k.inputs) or "-",
         "params": ", ".join(k.param_names), "title": k.title}
        for k in kinds.values()
    ]  # fmt: skip
    emit(
        client().transport.json("GET", "/job-kinds/"),
        lambda: table(rows, ["name", "title", "inputs", "params"]),
    )


@jobs.command("list")
@click.option("--status", help="queued, running, succeeded, failed or cancelled.")
@click.option("--kind", shell_complete=complete_kind)
@click.option("--limit", default=50, show_default=True)
def jobs_list(status: str | None, kind: str | None, limit: int) -> None:
    """Your jobs, newest first."""
    rows = [j.data for j in client().jobs.list(status=status, kind=kind, limit=limit)]
    emit(rows, lambda: table(rows, JOB_COLUMNS))


@jobs.command("show")
@click.argument("job")
def jobs_show(job: str) -> None:
    """One job: status, progress, ETA, result or error."""
    data = client().jobs.get(job).data
    emit(data, lambda: details(data))


@jobs.command("follow")
@click.argument("job")
def jobs_follow(job: str) -> None:
    """Follow a job live until it ends; exits 3 if it fails, 4 if it is cancelled."""
    follow_and_exit(client().jobs.get(job))


@jobs.command("cancel")
@click.argument("job")
def jobs_cancel(job: str) -> None:
    """Cancel a job: a queued one never starts, a running one stops after its batch."""
    data = client().jobs.get(job).cancel().data
    emit(data, lambda: click.echo(f"{data['id']}  {data['status']}  cancel requested"))


@jobs.command("logs")
@click.argument("job")
def jobs_logs(job: str) -> None:
    """What a job recorded: each epoch's (or step's) values, then how it ended."""
    from neuroyard_client.follow import epoch_line

    found = client().jobs.get(job)
    metrics = found.metrics()

    def human() -> None:
        epochs = (found.data.get("progress") or {}).get("epochs")
        for row in metrics:
            click.echo(epoch_line(row["epoch"], epochs, row["values"]))
        error = found.error
        ending = f": {error['code']}: {error['message']}" if error else ""
        click.echo(f"{found.status}{ending}")

    emit({"job": found.data, "metrics": metrics}, human)


# -- sweeps -------------------------------------------------------------------------------


@cli.group(cls=Group)
def sweeps() -> None:
    """Hyperparameter searches: trials are train jobs, the weak stopped early."""


SWEEP_COLUMNS = ["id", "name", "status", "best_trial", "best_model", "created_at"]


@sweeps.command("create")
@click.argument("file", required=False)
@click.option("--name", help="The sweep's name.")
@click.option("--dataset", help="The dataset's id.")
@click.option("--spec", help="The spec's id.")
@click.option(
    "--settings",
    "settings_file",
    metavar="FILE",
    help="The settings (space, searcher, metric, budget...) as JSON, '-' for stdin.",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A base train param of every trial (epochs=9); repeatable.",
)
@click.option("--follow", "-f", is_flag=True, help="Follow the sweep until it ends.")
def sweeps_create(
    file: str | None,
    name: str | None,
    dataset: str | None,
    spec: str | None,
    settings_file: str | None,
    params: tuple[str, ...],
    follow: bool,
) -> None:
    """Start a sweep. FILE is the whole request as JSON ({name, dataset, spec, params,
    settings}; '-' for stdin); the options fill in or override its fields."""
    body: dict[str, Any] = read_json(file) if file else {}
    if not isinstance(body, dict):
        raise NeuroyardError("invalid_json", f"{file} holds no JSON object.")
    given = {"name": name, "dataset": dataset, "spec": spec}
    body |= {key: value for key, value in given.items() if value is not None}
    if settings_file:
        body["settings"] = read_json(settings_file)
    body["params"] = dict(body.get("params") or {}) | key_values(params)
    missing = [key for key in ("name", "dataset", "spec", "settings") if not body.get(key)]
    if missing:
        raise NeuroyardError(
            "sweep_incomplete", f"A sweep needs {', '.join(missing)} (in FILE or as options)."
        )
    sweep = client().sweeps.create(
        name=body["name"], dataset=body["dataset"], spec=body["spec"],
        settings=body["settings"], params=body["params"],
    )  # fmt: skip
    if follow:
        if not as_json():
            click.echo(f"Sweep {sweep.id} {sweep.status}")
        follow_sweep_and_exit(sweep)
    else:
        emit(sweep.data, lambda: click.echo(f"{sweep.id}  {sweep.name}  {sweep.status}"))


@sweeps.command("list")
@click.option("--limit", default=50, show_default=True)
def sweeps_list(limit: int) -> None:
    """Your sweeps, newest first."""
    rows = [s.data for s in client().sweeps.list(limit=limit)]
    emit(rows, lambda: table(rows, SWEEP_COLUMNS))


@sweeps.command("show")
@click.argument("sweep")
def sweeps_show(sweep: str) -> None:
    """One sweep: its status, best trial so far, and every trial with its values."""
    found = client().sweeps.get(sweep)
    emit(found.data, lambda: _show_sweep(found))


def _show_sweep(sweep: Sweep) -> None:
    for line in sweep_lines(sweep):
        click.echo(line)
    if sweep.error:
        click.echo(f"{sweep.error['code']}: {sweep.error['message']}")
    if sweep.data.get("best_model"):
        click.echo(f"best model {sweep.data['best_model']}")


@sweeps.command("follow")
@click.argument("sweep")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between looks.")
def sweeps_follow(sweep: str, interval: float) -> None:
    """Follow a sweep live (its trials as they start, are pruned and end) until it ends;
    exits 3 if it fails, 4 if it is cancelled."""
    follow_sweep_and_exit(client().sweeps.get(sweep), interval=interval)


def follow_sweep_and_exit(sweep: Sweep, *, interval: float = 2.0) -> None:
    ny = client()
    follower = SweepFollower(file=ny.lines) if ny.progress else None
    sweep.follow(interval=interval, on_change=follower)
    if follower is not None:
        follower.clear()  # the live table gives way to the final one
    emit(sweep.data, lambda: _show_sweep(sweep))
    if sweep.status != "succeeded":
        error = sweep.error or {}
        message = error.get("message") or f"the sweep was {sweep.status}"
        click.echo(f"neuroyard: sweep {sweep.id} {sweep.status}: {message}", err=True)
        sys.exit(EXIT_JOB_CANCELLED if sweep.status == "cancelled" else EXIT_JOB_FAILED)


@sweeps.command("cancel")
@click.argument("sweep")
def sweeps_cancel(sweep: str) -> None:
    """Cancel a sweep: no trial starts after this, its running trials are cancelled."""
    data = client().sweeps.cancel(sweep).data
    emit(data, lambda: click.echo(f"{data['id']}  {data['status']}  cancel requested"))


@sweeps.command("tensorboard")
@click.argument("sweep")
@click.option("--output", "-o", type=click.Path(), help="The zip (default: in this folder).")
def sweeps_tensorboard(sweep: str, output: str | None) -> None:
    """Download every ended trial's TensorBoard run in one zip: unzip it and run
    `tensorboard --logdir` on the folder."""
    found = client().sweeps.get(sweep)
    path = found.download_tensorboard(Path(output) if output else Path.cwd())
    emit({"path": str(path)}, lambda: click.echo(str(path)))


# -- models, predictions, workers ---------------------------------------------------------


@cli.group(cls=Group)
def models() -> None:
    """Trained and uploaded models."""


@models.command("list")
@click.option("--limit", default=50, show_default=True)
def models_list(limit: int) -> None:
    """Your models."""
    rows = [m.data for m in client().models.list(limit=limit)]
    emit(rows, lambda: table(rows, ["id", "name", "source", "task", "param_count", "created_at"]))


@models.command("download")
@click.argument("model")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Default: NAME.keras.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="keras", show_default=True)
def models_download(model: str, output: str | None, fmt: str) -> None:
    """Download MODEL (SavedModel and TFLite are converted on the first download)."""
    path = client().models.get(model).download(output, format=fmt)
    emit({"path": str(path), "format": fmt}, lambda: click.echo(f"Saved {path}"))


@cli.command()
@click.argument("model")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--top-k", type=int, help="How many classes to list per sample.")
def predict(model: str, files: tuple[str, ...], top_k: int | None) -> None:
    """Predict with MODEL. Each FILE is an image, or JSON: one sample or a list of samples
    (numbers, sentences, table rows); - reads JSON from stdin."""
    inputs: list[Any] = []
    for file in files:
        if Path(file).suffix.lower() in IMAGE_SUFFIXES:
            if not Path(file).is_file():
                raise NeuroyardError("file_not_found", f"No such file: {file}")
            inputs.append(Path(file))
        else:
            value = read_json(file)
            is_batch = isinstance(value, list) and value and isinstance(value[0], list | dict)
            inputs.extend(value if is_batch else [value])
    answers = client().models.get(model).predict(inputs, top_k=top_k)

    def human() -> None:
        for number, answer in enumerate(answers):
            if "label" in answer:
                click.echo(f"{number}  {answer['label']}  {answer['probability']:.4f}")
            else:
                click.echo(f"{number}  {answer.get('value')}")

    emit(answers, human)


@cli.command()
@click.argument("model")
@click.option("--count", type=int, help="Pictures from random latent points.")
@click.option(
    "--latent",
    "latent_file",
    type=click.Path(allow_dash=True),
    help="JSON: a list of latent points, a picture each (or an interpolation's two ends).",
)
@click.option("--class", "class_", help="A conditional GAN's class to draw (number or name).")
@click.option("--interpolate", type=int, help="Pictures along the line between two latent points.")
@click.option("--seed", type=int, help="The seed of the random latent points.")
@click.option("--output", "-o", type=click.Path(file_okay=False), default=".", show_default=True)
def generate(
    model: str,
    count: int | None,
    latent_file: str | None,
    class_: str | None,
    interpolate: int | None,
    seed: int | None,
    output: str,
) -> None:
    """Draw pictures with MODEL, a GAN's generator, into OUTPUT (PNGs; strip.png for an
    interpolation)."""
    generated = (
        client()
        .models.get(model)
        .generate(
            count=count,
            latent=read_json(latent_file) if latent_file else None,
            class_=int(class_) if class_ is not None and class_.isdigit() else class_,
            interpolate=interpolate,
            seed=seed,
        )
    )
    paths = generated.save(output)
    rows = [
        {"path": str(path), "latent": point, "label": label}
        for path, point, label in zip(paths, generated.latent, generated.labels, strict=False)
    ]

    def human() -> None:
        for path in paths:
            click.echo(f"Saved {path}")

    emit(rows, human)


@cli.group(cls=Group)
def workers() -> None:
    """The worker fleet (staff)."""


@workers.command("list")
def workers_list() -> None:
    """Workers, their queues, state and current job."""
    rows = client().workers()
    emit(rows, lambda: table(rows, ["id", "name", "queues", "state", "current_job"]))


@cli.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script: eval "$(neuroyard completion bash)"."""
    completer = get_completion_class(shell)
    assert completer is not None
    click.echo(completer(cli, {}, "neuroyard", "_NEUROYARD_COMPLETE").source())


# -- the entry point ----------------------------------------------------------------------


def _fail(message: str, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    click.echo(f"neuroyard: {message}", err=True)
    sys.exit(EXIT_ERROR)


def main() -> None:
    debug = "--debug" in sys.argv[1:] or bool(os.environ.get("NEUROYARD_DEBUG"))
    try:
        cli.main(prog_name="neuroyard", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("neuroyard: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except NeuroyardError as exc:
        hint = HINTS.get(exc.code)
        _fail(f"{exc.message}" + (f" ({hint})" if hint else ""), debug)
    except OSError as exc:
        _fail(str(exc), debug)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug: still one line unless --debug
        _fail(f"unexpected error: {type(exc).__name__}: {exc} (run with --debug)", debug)
