"""PDF versions of the statements a collector sends, with the sender's letterhead from settings and
the customer's address from the customer record, for a customer the acting user may read."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl
import sqlalchemy as sa

from ar_core import config, settings
from ar_core.access import Actor, check_customer_access
from ar_core.ledger import statement_xlsx
from ar_core.recovery.addresses import with_address
from ar_core.recovery.letters import letter_language
from ar_core.recovery.pdf import letters_pdf
from ar_core.recovery.statements import reconciliation_letter, statement_letters


def _today(engine: sa.Engine) -> date:
    return config.today(settings.get_time_zone(engine))


def statement_pdf(
    engine: sa.Engine,
    actor: Actor,
    customer: Mapping,
    items: pl.DataFrame,
    as_of: date,
    *,
    language: str | None = None,
    letter_date: date | None = None,
) -> bytes:
    """The statement of account of ``customer`` at ``as_of`` as PDF (a page per currency);
    ``language`` defaults to the customer's, ``letter_date`` to today in the team's time zone."""
    full = with_address(engine, actor, customer)
    letters = statement_letters(
        full,
        items,
        as_of,
        settings.get_letterhead(engine),
        letter_date=letter_date or _today(engine),
        language=language,
    )
    return letters_pdf(letters)


def reconciliation_pdf(
    engine: sa.Engine,
    actor: Actor,
    rec,
    customer: Mapping,
    *,
    language: str | None = None,
    letter_date: date | None = None,
) -> bytes:
    """The reconciliation statement of ``rec`` as PDF, in ``language`` (default: the customer's)."""
    full = with_address(engine, actor, customer)
    letter = reconciliation_letter(
        rec,
        full,
        settings.get_letterhead(engine),
        letter_date=letter_date or _today(engine),
        language=language,
    )
    return letters_pdf([letter])


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def statement_attachment(
    engine: sa.Engine,
    actor: Actor,
    customer: Mapping,
    items: pl.DataFrame,
    as_of: date,
    *,
    language: str | None = None,
) -> tuple[str, bytes, str]:
    """The statement of account as an e-mail attachment ``(file name, XLSX, MIME type)`` for
    :func:`ar_core.recovery.letter_eml`: the open items the customer's accounting can import."""
    check_customer_access(engine, actor, str(customer["customer_id"]), write=False)
    language = language or letter_language(customer)
    data = statement_xlsx(
        dict(customer), items, as_of, language=language, letterhead=settings.get_letterhead(engine)
    )
    return f"statement-{customer['customer_id']}-{as_of.isoformat()}-{language}.xlsx", data, XLSX
