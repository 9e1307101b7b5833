"""One exception hierarchy for misuse; bad *input* is reported as values (problems), not raised."""

from __future__ import annotations


class ArDeskError(Exception):
    """Base class of AR Desk errors."""


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
