"""The files of approved requests: the posting file for the ERP and the handover file for the legal partner.

Both hold the approved requests not yet cleared in the ERP that the acting user may read, in the
rows :mod:`ar_core.recovery.write_off_rules` makes (XLSX and CSV, text neutralised against
formulas). Leads, controllers and admins download them: the ERP posts what the team approved.
The G/L account per reason is a setting (``write_off_rules.GL_ACCOUNTS_SETTING``) a lead edits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core import settings
from ar_core.access import Actor
from ar_core.errors import ArDeskError, InvalidInput
from ar_core.recovery.write_off_rules import (
    APPROVED,
    DEFAULT_GL_ACCOUNTS,
    GL_ACCOUNTS_SETTING,
    LEGAL_HANDOVER,
    contact_log_summary,
    file_csv,
    handover_rows,
    handover_xlsx,
    posting_rows,
    posting_xlsx,
)
from ar_core.recovery.write_offs import requests_with_items

#: Who downloads the posting and handover files (the whole team's, as the ERP posts them).
WRITE_OFF_EXPORTERS = ("lead", "controller", "admin")


def write_off_gl_accounts(engine: sa.Engine) -> dict[str, str]:
    """The G/L account per reason (and for legal handovers) the posting file names."""
    stored = settings.get_setting(engine, GL_ACCOUNTS_SETTING, {}) or {}
    return {**DEFAULT_GL_ACCOUNTS, **{k: str(v) for k, v in stored.items() if k in DEFAULT_GL_ACCOUNTS}}


def set_write_off_gl_accounts(engine: sa.Engine, actor: Actor, accounts: Mapping[str, str]) -> None:
    """Set the G/L accounts of the posting file (leads and admins; audited as a setting)."""
    unknown = sorted(set(accounts) - set(DEFAULT_GL_ACCOUNTS))
    if unknown:
        known = ", ".join(DEFAULT_GL_ACCOUNTS)
        raise InvalidInput("accounts", f"no reason {', '.join(unknown)}: one of {known}")
    clean = {}
    for key, value in accounts.items():
        text = str(value or "").strip()
        if not text.isalnum() or len(text) > 10:
            raise InvalidInput("accounts", f"the G/L account of {key} is 1-10 letters/digits, not {value!r}")
        clean[key] = text
    settings.set_setting(engine, actor, GL_ACCOUNTS_SETTING, {**write_off_gl_accounts(engine), **clean},
                         default=DEFAULT_GL_ACCOUNTS)  # fmt: skip


def _approved(engine: sa.Engine, actor: Actor, kind: str | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    actor.require(*WRITE_OFF_EXPORTERS, doing="download the posting and handover files")
    return requests_with_items(engine, actor, kind=kind, status=APPROVED)


def posting_export(engine: sa.Engine, actor: Actor) -> pl.DataFrame:
    """What to post in the ERP: each item of approved, uncleared requests (``WRITE_OFF_POSTING_SCHEMA``)."""
    requests, items = _approved(engine, actor, None)
    return posting_rows(requests, items, write_off_gl_accounts(engine))


def _debtors(engine: sa.Engine, customer_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Master data of the customers (the address columns only where the store has them)."""
    if not customer_ids:
        return {}
    query = sa.text("SELECT * FROM customers WHERE customer_id IN :ids").bindparams(
        sa.bindparam("ids", expanding=True)
    )
    with engine.connect() as conn:
        rows = conn.execute(query, {"ids": list(customer_ids)}).mappings().all()
    return {r["customer_id"]: dict(r) for r in rows}


def _letters(engine: sa.Engine, actor: Actor) -> dict[str, date]:
    """Item key -> the last dunning letter AR Desk sent, when the dunning record is there."""
    from ar_core import recovery

    levels = getattr(recovery, "dunning_levels", None)
    if levels is None:
        return {}
    try:
        frame = levels(engine, actor)
    except ArDeskError:
        return {}
    if frame.is_empty() or "last_letter_on" not in frame.columns:
        return {}
    return {k: d for k, d in frame.select("_item_key", "last_letter_on").iter_rows() if d is not None}


def _contact_logs(engine: sa.Engine, actor: Actor, customer_ids: Iterable[str]) -> dict[str, str]:
    from ar_core.collections import list_contacts

    out = {}
    for customer_id in sorted(set(customer_ids)):
        log = list_contacts(engine, actor, customer_id)
        if "effective" in log.columns:
            log = log.filter(pl.col("effective"))
        out[customer_id] = contact_log_summary(log)
    return out


def handover_export(engine: sa.Engine, actor: Actor, as_of: date) -> pl.DataFrame:
    """The legal partner's rows: documents of approved, uncleared handovers (``LEGAL_HANDOVER_SCHEMA``)."""
    requests, items = _approved(engine, actor, LEGAL_HANDOVER)
    customers = requests["customer_id"].unique().to_list()
    return handover_rows(requests, items, _debtors(engine, customers), as_of=as_of,
                         letters=_letters(engine, actor) if customers else {},
                         contact_logs=_contact_logs(engine, actor, customers))  # fmt: skip


def posting_file(engine: sa.Engine, actor: Actor, file_format: str = "xlsx") -> bytes:
    """The posting file as ``xlsx`` or ``csv`` bytes (text neutralised against formulas)."""
    rows = posting_export(engine, actor)
    return posting_xlsx(rows) if _format(file_format) == "xlsx" else file_csv(rows)


def handover_file(engine: sa.Engine, actor: Actor, as_of: date, file_format: str = "xlsx") -> bytes:
    """The handover file as ``xlsx`` or ``csv`` bytes (text neutralised against formulas)."""
    rows = handover_export(engine, actor, as_of)
    return handover_xlsx(rows) if _format(file_format) == "xlsx" else file_csv(rows)


def _format(file_format: str) -> str:
    if file_format not in ("xlsx", "csv"):
        raise InvalidInput("file_format", f"a file is xlsx or csv, not {file_format!r}")
    return file_format
