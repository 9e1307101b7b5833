"""The acting user: every service takes one, checks its roles and records it in the audit log."""

from __future__ import annotations

from dataclasses import dataclass, field

from ar_core.errors import PermissionDenied

#: The user name the command line (and so a scheduler) acts and is audited under.
CLI_OPERATOR = "cli"


@dataclass(frozen=True)
class Actor:
    """The person (or the CLI operator) on whose behalf a service runs."""

    username: str
    name: str
    roles: frozenset[str] = field(default_factory=frozenset)

    def has(self, *roles: str) -> bool:
        """Whether the actor holds at least one of ``roles``."""
        return not self.roles.isdisjoint(roles)

    def require(self, *roles: str, doing: str = "do this") -> None:
        """Raise :class:`PermissionDenied` unless the actor holds one of ``roles``."""
        if not self.has(*roles):
            raise PermissionDenied(f"{self.username} may not {doing}: needs the role {' or '.join(roles)}")
