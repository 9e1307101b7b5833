"""Saved column mappings for generic CSV/XLSX extracts, reusable from the Upload page.

A mapping is stored as the YAML text the lead built, after checking that it parses, so that a
saved mapping can always be loaded again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from ar_core.access import record
from ar_core.errors import InvalidInput, NotFound
from ar_core.store.db import write_transaction
from ar_core.store.models import SavedMapping, utcnow

if TYPE_CHECKING:
    from ar_core.access import Actor

#: Who may save or remove mappings (the people who upload extracts).
MAPPING_ROLES = ("lead", "admin")


def _check(name: str, yaml_text: str) -> str:
    from ar_core.ingest import Mapping

    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("name", "a mapping needs a name of 1 to 100 characters")
    Mapping.from_yaml(yaml_text)  # raises ConfigError with the reason
    return name


def save_mapping(engine: sa.Engine, actor: Actor, name: str, yaml_text: str) -> None:
    """Save (or replace) a named mapping; audited with the previous text."""
    actor.require(*MAPPING_ROLES, doing="save mappings")
    name = _check(name, yaml_text)
    with write_transaction(engine, actor) as conn:
        before = conn.execute(sa.select(SavedMapping.yaml_text).where(SavedMapping.name == name)).scalar()
        values = {"yaml_text": yaml_text, "created_by": actor.username, "updated_at": utcnow()}
        if before is None:
            conn.execute(sa.insert(SavedMapping).values(name=name, **values))
        else:
            conn.execute(sa.update(SavedMapping).where(SavedMapping.name == name).values(**values))
        record(conn, actor, "save_mapping", "mapping", name,
               before=None if before is None else {"yaml": before}, after={"yaml": yaml_text})  # fmt: skip


def list_mappings(engine: sa.Engine) -> list[str]:
    """Names of the saved mappings, alphabetically."""
    with engine.connect() as conn:
        return list(conn.execute(sa.select(SavedMapping.name).order_by(SavedMapping.name)).scalars())


def get_mapping(engine: sa.Engine, name: str) -> str:
    """The YAML text of a saved mapping."""
    with engine.connect() as conn:
        text = conn.execute(sa.select(SavedMapping.yaml_text).where(SavedMapping.name == name)).scalar()
    if text is None:
        raise NotFound(f"no saved mapping {name!r}")
    return text


def delete_mapping(engine: sa.Engine, actor: Actor, name: str) -> None:
    """Remove a saved mapping (audited)."""
    actor.require(*MAPPING_ROLES, doing="remove mappings")
    with write_transaction(engine, actor) as conn:
        text = conn.execute(sa.select(SavedMapping.yaml_text).where(SavedMapping.name == name)).scalar()
        if text is None:
            raise NotFound(f"no saved mapping {name!r}")
        conn.execute(sa.delete(SavedMapping).where(SavedMapping.name == name))
        record(conn, actor, "delete_mapping", "mapping", name, before={"yaml": text})
