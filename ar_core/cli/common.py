"""What every command group shares: the acting operator, the engine, money and date arguments.

Kept free of polars and the ORM: ``python -m ar_core`` loads only what the chosen command uses.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from ar_core.access import CLI_OPERATOR, Actor

if TYPE_CHECKING:
    import sqlalchemy as sa

#: Whoever runs the CLI holds the database credentials, so it acts as this operator (lead and
#: admin rights); every write is audited under its name.
CLI_ACTOR = Actor(username=CLI_OPERATOR, name="Command line", roles=frozenset({"lead", "admin"}))


def open_store() -> sa.Engine:
    """The configured database, migrated to the newest schema (one query when it already is)."""
    from ar_core.config import settings
    from ar_core.store.db import make_engine, migrate

    engine = make_engine(settings().database_url)
    migrate(engine)
    return engine


def money(totals: dict[str, Decimal]) -> dict[str, str]:
    """Per-currency amounts as the JSON contract gives them: decimal strings, two places."""
    return {cur: f"{amount:.2f}" for cur, amount in sorted(totals.items())}


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD: {text!r}") from None


#: The dates a command accepts: ISO and the German/Dutch way of writing them.
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


def parse_date(text: str) -> date:
    """An argparse ``type``: ``2026-12-31`` or ``31.12.2026``."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD or DD.MM.YYYY): {text!r}")
