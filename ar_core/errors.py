"""One exception hierarchy; each class's docstring says what the user is told.

Bad input to a service is :class:`InvalidInput` naming the field it concerns (the page shows it
next to that field); a file's problems are reported as values (``ingest.Problem``); everything
else here is misuse or a refusal. No bare ``ValueError`` crosses the public API: ``InvalidInput``
is also a ``ValueError`` so that parsing code may catch either.
"""

from __future__ import annotations

from dataclasses import dataclass


class ArDeskError(Exception):
    """Base class of AR Desk errors."""


class InvalidInput(ArDeskError, ValueError):
    """A value typed into a form is not acceptable; ``field`` names the service parameter it concerns."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class PermissionDenied(ArDeskError):
    """The acting user's role does not allow this action."""


class NotFound(ArDeskError):
    """The record does not exist (or is not visible to the acting user)."""


class DuplicateImport(ArDeskError):
    """This file (same content hash) was already imported as a snapshot."""


class ValidationFailed(ArDeskError):
    """The extract has errors and the lead did not choose to commit only the valid rows."""


class ConfigError(ArDeskError):
    """The configuration (database URL, secrets, mapping file) is unusable."""


class OverlappingSnapshot(ArDeskError):
    """A snapshot with the same as-of date and an overlapping scope exists: replace it explicitly."""


class ApprovalRefused(ArDeskError):
    """A four-eyes decision is not allowed: own request, over the limit, or already decided."""


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong with an uploaded file (sales, training plans, skill levels), located as its
    author sees it: the file, the row (``None`` for the file as a whole) and the column as headed."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        return f"{located(self.file, self.row, self.column)}: {self.message}"


def located(file: str, row: int | None, column: str | None) -> str:
    """Where a problem of a file is, as its author sees it: "file, row 3, column 'Betrag'"."""
    where = [file]
    if row is not None:
        where.append(f"row {row}")
    if column:
        where.append(f"column '{column}'")
    return ", ".join(where)
