"""Pretrained weights fetched from where Keras publishes them, the first time they are needed.

Both sides use it: a worker before an image job builds its network, the web host's
`import_weights --download` ahead of time. A file is checked against the digest Keras publishes
before it takes its Keras name; one process at a time downloads it (a file lock beside it), and a
dropped download resumes where it stopped (HTTP Range). Standard library only (urllib).
"""

from __future__ import annotations

import fcntl
import hashlib
import http.client
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from neuroyard_core.errors import CodedError
from neuroyard_core.pretrained import KERAS_BASE_URL, WEIGHTS_FILES, weights_path

CHUNK = 256 * 1024
# A download that stalls is tried again, resuming, this many times in all before the job fails.
ATTEMPTS = 3

OnDownload = Callable[[int, int | None], None]
"""Called as bytes arrive with (bytes so far, total bytes or None when the server does not say)."""


@dataclass(frozen=True)
class WeightsSource:
    """Where a host gets weights from: its settings (NEUROYARD_WEIGHTS_*)."""

    weights_dir: Path
    download: bool = True  # False on air-gapped sites: only installed files are used
    base_url: str = KERAS_BASE_URL
    timeout: float = 30.0  # seconds to connect, and the longest wait for the next bytes


def weights_unavailable(network: str, why: str) -> CodedError:
    filename = WEIGHTS_FILES[network].filename
    return CodedError(
        "weights_unavailable",
        f"The ImageNet weights of {network} are not installed and {why}. On a host with "
        f"internet, run `manage.py import_weights --download {network}` and copy {filename} "
        f"into this worker's NEUROYARD_WEIGHTS_DIR (or `manage.py import_weights {network} FILE` "
        "with a file you have); or submit the job with weights: random.",
        details={"network": network, "filename": filename},
    )


def pretrained_weights(
    network: str, *, source: WeightsSource, on_download: OnDownload | None = None
) -> Path:
    """The installed weights file of `network`, downloaded first when allowed and missing.

    Raises CodedError weights_unavailable (downloads off, no network, a refused or wrong file).
    """
    path = weights_path(network, source.weights_dir)
    if path is not None:
        return path
    if not source.download:
        raise weights_unavailable(network, "downloads are off (NEUROYARD_WEIGHTS_DOWNLOAD=0)")
    return weights_download(network, source=source, on_download=on_download)


def weights_download(
    network: str, *, source: WeightsSource, on_download: OnDownload | None = None
) -> Path:
    """Fetch `network`'s file into the weights folder, checked, under its Keras name."""
    file = WEIGHTS_FILES[network]
    folder = source.weights_dir
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file.filename
    partial = folder / f".{file.filename}.partial"
    with _exclusive(folder / f".{file.filename}.lock"):
        if target.is_file():  # another process finished it while this one waited
            return target
        url = file.url(source.base_url)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                _fetch(url, partial, timeout=source.timeout, on_download=on_download)
                break
            except _Stalled as stalled:
                if attempt == ATTEMPTS:
                    raise weights_unavailable(network, f"the download failed: {stalled}") from None
            except _Refused as refused:
                raise weights_unavailable(network, f"the download failed: {refused}") from None
        md5 = _md5(partial)
        if file.md5 is not None and md5 != file.md5:
            partial.unlink()
            raise weights_unavailable(
                network,
                f"the file from {url} is not Keras' (MD5 {md5}, Keras publishes {file.md5}): "
                "it was deleted",
            )
        os.replace(partial, target)  # atomic: a job never reads half a file
    return target


class _Stalled(Exception):
    """The connection dropped or went quiet mid-file: worth resuming."""


class _Refused(Exception):
    """No network, or the server will not give the file: not worth trying again now."""


def _fetch(url: str, partial: Path, *, timeout: float, on_download: OnDownload | None) -> None:
    offset = partial.stat().st_size if partial.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "neuroyard"})
    if offset:
        request.add_header("Range", f"bytes={offset}-")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (https or a configured base)
            length = response.headers.get("Content-Length")
            if response.status != 206:  # the whole file (the server ignores ranges): start over
                offset = 0
            total = offset + int(length) if length is not None else None
            done = offset
            with partial.open("ab" if offset else "wb") as out:
                if on_download is not None:
                    on_download(done, total)
                while chunk := response.read1(CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    if on_download is not None:
                        on_download(done, total)
    except urllib.error.HTTPError as error:
        if error.code == 416 and offset:  # the partial file is not a prefix of this one
            partial.unlink()
            raise _Stalled(f"{url} refused to resume") from None
        raise _Refused(f"{url} answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:  # before the server answered: no route, no DNS...
        raise _Refused(f"cannot reach {url}: {error.reason}") from None
    except (TimeoutError, http.client.IncompleteRead, ConnectionError) as error:
        raise _Stalled(f"{url} stopped sending ({type(error).__name__})") from None
    except (http.client.HTTPException, OSError) as error:
        raise _Refused(f"{url}: {error}") from None
    if total is not None and done < total:
        raise _Stalled(f"{url} ended after {done} of {total} bytes")


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """One holder at a time across processes on this host (and on a shared folder with flock)."""
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
