"""CodedError: the one base of every error the platform reports to a person.

Each carries a stable ``code`` (clients branch on it), a ``message`` (a sentence for a person) and
``details``. The web's exception handler alone turns one into an HTTP answer (``status``); the
worker's executor alone turns one into a failed job (``kind``: ``job`` is the job's own fault and
is not retried, ``infrastructure`` is the platform's and is).
"""

from __future__ import annotations

from typing import Any, Literal

ErrorKind = Literal["job", "infrastructure"]


class CodedError(Exception):
    status: int = 400
    kind: ErrorKind = "job"

    def __init__(
        self,
        code: str,
        message: str,
        *,
        details: Any = None,
        status: int | None = None,
        kind: ErrorKind | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details if details is not None else {}
        if status is not None:
            self.status = status
        if kind is not None:
            self.kind = kind

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class NotFound(CodedError):
    status = 404

    def __init__(self, what: str) -> None:
        super().__init__("not_found", f"{what} not found.")


class Conflict(CodedError):
    status = 409


def refused(code: str, message: str, **details: Any) -> CodedError:
    """A 400: input the platform will not take, with what is wrong in ``details``."""
    return CodedError(code, message, details=details)
