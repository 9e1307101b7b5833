"""Snapshot scope: which part of the ledger an extract covers.

A team lead often exports one company code, or a handful of customers, between the weekly full
extracts. Such a partial extract must never be read as the whole ledger: an item outside its
scope is not "cleared" because the file does not list it. The picture of the ledger at a snapshot
is therefore composed: the latest full snapshot, overlaid in order by every later partial one,
each replacing exactly the items inside its own scope (:func:`compose`).

Pure: frames in, frames out; no store access.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # polars is imported where it is used: the CLI's listing runs without it
    import polars as pl


#: Written in the store and in messages for an item without company code.
NO_COMPANY_CODE = ""


@dataclass(frozen=True)
class Scope:
    """The whole ledger (``full``), or the company codes it covers, optionally only some customers.

    ``customers`` empty means every customer of those company codes. ``collectors`` records the
    collectors a lead chose; they are resolved into ``customers`` at upload, so the scope of a
    stored snapshot never changes when portfolios move later.
    """

    full: bool = False
    company_codes: tuple[str, ...] = ()
    customers: tuple[str, ...] = ()
    collectors: tuple[str, ...] = field(default=())

    # --- construction ---------------------------------------------------------------------

    @classmethod
    def whole_ledger(cls) -> Scope:
        return cls(full=True)

    @classmethod
    def partial(
        cls,
        company_codes: Iterable[str | None] = (),
        customers: Iterable[str] = (),
        collectors: Iterable[str] = (),
    ) -> Scope:
        codes = tuple(sorted({(c or NO_COMPANY_CODE).strip() for c in company_codes}))
        return cls(
            full=False,
            company_codes=codes,
            customers=tuple(sorted({c.strip() for c in customers if c and c.strip()})),
            collectors=tuple(sorted({c.strip() for c in collectors if c and c.strip()})),
        )

    @classmethod
    def of_items(cls, items: pl.DataFrame, customers: Iterable[str] = ()) -> Scope:
        """The default scope of an extract: the company codes it lists (whole ledger if it has none)."""
        codes = (
            items["company_code"].drop_nulls().unique().to_list() if "company_code" in items.columns else []
        )
        if not codes:
            return cls.whole_ledger() if not tuple(customers) else cls.partial([NO_COMPANY_CODE], customers)
        if items["company_code"].null_count():
            codes.append(NO_COMPANY_CODE)
        return cls.partial(codes, customers)

    # --- text form ------------------------------------------------------------------------

    def to_json(self) -> str:
        if self.full:
            return json.dumps({"full": True})
        data: dict[str, object] = {"full": False, "company_codes": list(self.company_codes)}
        if self.customers:
            data["customers"] = list(self.customers)
        if self.collectors:
            data["collectors"] = list(self.collectors)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Scope:
        data = json.loads(text) if text else {"full": True}
        if data.get("full"):
            return cls.whole_ledger()
        return cls(
            full=False,
            company_codes=tuple(data.get("company_codes") or ()),
            customers=tuple(data.get("customers") or ()),
            collectors=tuple(data.get("collectors") or ()),
        )

    def as_dict(self) -> dict[str, object]:
        """The scope for JSON output: ``{"full": bool, "company_codes": [...], "customers": [...]}``."""
        return json.loads(self.to_json())

    def describe(self) -> str:
        """In words, for the snapshot list and messages."""
        if self.full:
            return "whole ledger"
        codes = ", ".join(c or "(no company code)" for c in self.company_codes) or "none"
        text = f"company code{'s' if len(self.company_codes) != 1 else ''} {codes}"
        if self.collectors:
            text += f"; collector{'s' if len(self.collectors) != 1 else ''} {', '.join(self.collectors)}"
        if self.customers:
            shown = ", ".join(self.customers[:5]) + (" …" if len(self.customers) > 5 else "")
            text += f"; {len(self.customers)} customer{'s' if len(self.customers) != 1 else ''} ({shown})"
        return text

    # --- rules ----------------------------------------------------------------------------

    def contains(self) -> pl.Expr:
        """True for the items inside this scope (``company_code`` and ``customer_id`` columns)."""
        import polars as pl

        if self.full:
            return pl.lit(True)
        code = pl.col("company_code").fill_null(NO_COMPANY_CODE)
        expr = code.is_in(list(self.company_codes))
        if self.customers:
            expr = expr & pl.col("customer_id").is_in(list(self.customers))
        return expr

    def covers_customer(self, customer_id: str, company_codes: Iterable[str | None]) -> bool:
        """Whether this extract speaks about a customer whose items sit in ``company_codes``.

        Only such a snapshot is evidence for the customer: a promise is never decided, and
        nothing counts as cleared, by an extract that did not look at the account.
        """
        if self.full:
            return True
        if self.customers and customer_id not in self.customers:
            return False
        codes = {(c or NO_COMPANY_CODE) for c in company_codes}
        return bool(codes & set(self.company_codes))

    def overlaps(self, other: Scope) -> bool:
        """Whether some item could lie in both scopes (then the same day's snapshots collide)."""
        if self.full or other.full:
            return True
        if not set(self.company_codes) & set(other.company_codes):
            return False
        if self.customers and other.customers:
            return bool(set(self.customers) & set(other.customers))
        return True

    def covers(self, other: Scope) -> bool:
        """Whether every item of ``other`` lies inside this scope."""
        if self.full:
            return True
        if other.full or not set(other.company_codes) <= set(self.company_codes):
            return False
        return not self.customers or (bool(other.customers) and set(other.customers) <= set(self.customers))


def compose(base: pl.DataFrame, overlays: Sequence[tuple[Scope, pl.DataFrame]]) -> pl.DataFrame:
    """The ledger after applying each later extract in order: its scope's items replace the base's.

    ``base`` is the latest full snapshot's items (or an empty frame when there is none);
    ``overlays`` the later partial snapshots, oldest first. Items keep the customer grouping.
    """
    import polars as pl

    frame = base
    for scope, items in overlays:
        if scope.full:
            frame = items
            continue
        frame = pl.concat([frame.filter(~scope.contains()), items.select(frame.columns)], how="vertical")
    if overlays:
        frame = frame.sort("customer_id", maintain_order=True)
    return frame
