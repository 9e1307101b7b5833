"""The demo's dispute and inquiry cases, worked week by week like a real team (issue 9's demo story).

The extracts open the cases (``disputes.sync_cases`` in the import: one per disputed item, one
per SAP dispute case id). :class:`CaseDesk` works them between the imports, through the disputes
services, with every decision dated inside the week it belongs to: before week *k* is imported,
the team records what it decided after week *k − 1*'s key date up to week *k*'s. A case decided
before its items clear is then closed by the next import with the team's resolution; a case whose
items the ERP clears first (the customer paid anyway) closes as "cleared in ERP". Nothing is dated
after the last key date or after ``config.today()``, so the story reads the same whenever the demo
is loaded.

What a lead finds on the Disputes and Root-causes pages:

- the **pricing group** (``Sommerfeld Baustoffe …``, four customers of one name stem): since the
  price list of early October (:func:`ar_core.demo.ledger.price_list_change`) most of its invoices
  are disputed as PRICE_LIST; master data answers within the SLA, nearly always with a credit note
  for the price difference: the billing-quality signal of the category *pricing*;
- the **logistics hub** (``Venlo Logistics Hub B.V.``): QUANTITY disputes all quarter, two invoices
  per SAP dispute case;
- **logistics is the slow resolver department**: quantity cases take weeks (most past their SLA);
  a case a week past its due date with EUR 5,000 or more is escalated by its collector to the team
  lead, three weeks past due the lead takes it to the resolver's manager (level 2);
- cycle times that differ per reason (duplicates and missing POs in days, prices in about a week,
  damage in two), with a mix of resolutions (credit note, partial credit, rejected — customer pays,
  duplicate, write-off of small amounts);
- the **big dispute**'s billing cases are decided, its price, quantity and damage cases stay with
  sales, logistics and quality, escalated like any late case;
- at the end, the cases still being worked are with a named resolver and a next follow-up date
  (missing POs and some damages wait for the customer), the newest ones are open, notes tell the
  stories;
- **inquiries** of the Dutch customers (invoice copies, statements, clarifications), most answered
  within their two or three days, some late, a few still open.

The go-live backlog (the disputes the first extract already shows) is partly settled in the ERP
before anyone decides it in AR Desk: a backlog case whose items clear during the quarter is left
to the ERP ("cleared in ERP"); the rest is decided like the new cases. Its cases are late for
every department, so the cycle time of the cases opened since the first snapshot shows the slow
department most clearly.

The collectors open and answer their inquiries, decide the group's and the hub's cases and raise
the first escalations; the team lead records the resolver departments' decisions on the routine
cases in the weekly dispute review, takes late cases to the resolvers' managers and hands the
open cases to the resolvers at the end (one service call per step; a lead's call skips the
portfolio check, which keeps the demo load within seconds). Seeded: the same demo, the same cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
import sqlalchemy as sa

from ar_core import config
from ar_core.access import Actor, get_actor
from ar_core.disputes import (
    CREDITING,
    WORKING,
    escalate_case,
    item_key,
    move_case,
    open_case,
    reason_taxonomy,
    resolve_case,
    update_case,
)
from ar_core.money import from_cents
from ar_core.store.models import Customer, DisputeCase, DisputeCaseItem

if TYPE_CHECKING:
    from collections.abc import Sequence

#: The words of the disputes vocabulary the desk uses (``disputes.RESOLUTIONS`` and ``STATUSES``).
DISPUTE, INQUIRY = "dispute", "inquiry"
WITH_RESOLVER, AWAITING_CUSTOMER = "with resolver", "awaiting customer"
CREDIT_NOTE, REJECTED, PARTIAL_CREDIT, WRITE_OFF, DUPLICATE = (
    "credit note issued", "rejected — customer pays", "partial credit", "write-off", "duplicate",
)  # fmt: skip
#: Days from opening to the decision per reason: (shortest, most often, longest), triangular.
#: SLA days for comparison (default taxonomy): PRICE/PRICE_LIST/QUANTITY 10, DAMAGED 15,
#: NO_PO/DUPLICATE 5. Logistics (QUANTITY) is the slow department: most of its cases run late.
CYCLE_DAYS: dict[str, tuple[float, float, float]] = {
    "PRICE": (2, 5, 16),
    "PRICE_LIST": (2, 4, 9),
    "QUANTITY": (8, 24, 50),
    "DAMAGED": (4, 9, 20),
    "NO_PO": (1, 2, 7),
    "DUPLICATE": (1, 2, 6),
}
#: The big dispute's reasons still with sales, logistics and quality at the end (its contact
#: history asks for the price agreement and the proofs of delivery); billing's are decided.
BIG_DISPUTE_OPEN = ("PRICE", "QUANTITY", "DAMAGED")
#: A reason without a row above (an unmapped code): about two weeks.
OTHER_CYCLE_DAYS = (4, 8, 18)
#: Resolutions per reason: (resolution, weight, (least, most) credited as a share of the amount).
OUTCOMES: dict[str, tuple[tuple[str, float, tuple[float, float]], ...]] = {
    "PRICE": (
        (CREDIT_NOTE, 0.45, (0.03, 0.12)),
        (PARTIAL_CREDIT, 0.25, (0.02, 0.06)),
        (REJECTED, 0.25, (0, 0)),
        (WRITE_OFF, 0.05, (0, 0)),
    ),
    # the price difference between the group price and the new list price
    "PRICE_LIST": ((CREDIT_NOTE, 0.85, (0.05, 0.09)), (PARTIAL_CREDIT, 0.15, (0.03, 0.05))),
    "QUANTITY": (
        (PARTIAL_CREDIT, 0.45, (0.1, 0.35)),
        (REJECTED, 0.4, (0, 0)),
        (CREDIT_NOTE, 0.15, (0.3, 0.6)),
    ),
    "DAMAGED": (
        (CREDIT_NOTE, 0.3, (1.0, 1.0)),
        (PARTIAL_CREDIT, 0.3, (0.15, 0.5)),
        (REJECTED, 0.4, (0, 0)),
    ),
    "NO_PO": ((REJECTED, 0.9, (0, 0)), (WRITE_OFF, 0.1, (0, 0))),
    "DUPLICATE": ((DUPLICATE, 0.8, (0, 0)), (REJECTED, 0.2, (0, 0))),
}
OTHER_OUTCOMES = ((REJECTED, 1.0, (0, 0)),)
#: Small amounts are written off; a larger case meant for a write-off is rejected instead.
WRITE_OFF_BELOW = Decimal(500)
#: Escalation rule of the weekly dispute review: a case this many days past its due date and with
#: at least this amount goes to the team lead (level 1, by its collector); this many days past due
#: the lead takes it to the resolver's manager (level 2).
ESCALATE_FROM = Decimal(5_000)
LEVEL_1_DAYS_LATE = 7
LEVEL_2_DAYS_LATE = 21
#: Inquiries of the Dutch customers per week, their reasons and how many are answered in time.
INQUIRIES_PER_WEEK = 4
INQUIRY_REASONS = (("INVOICE_COPY", 0.45), ("STATEMENT", 0.3), ("CLARIFICATION", 0.25))
INQUIRY_IN_TIME = 0.7
#: How an answered inquiry is resolved.
ANSWERED = "answered"
#: The people the cases go to (fictitious), per resolver department.
RESOLVERS: dict[str, tuple[str, ...]] = {
    "sales": (
        "Markus Brenner (sales DACH)",
        "Joost van Rijn (sales Benelux)",
        "Claire Martin (sales France)",
    ),
    "logistics": ("Dennis Wolff (logistics)", "Sven Kramer (transport)"),
    "quality": ("Petra Albrecht (quality)",),
    "billing": ("Nadine Vogt (billing)", "Ilse Verbeek (billing NL)"),
    "master data": ("Timo Lorenz (master data)",),
    "collections": ("AR team",),
}
#: Level 2: the resolver department's manager.
MANAGERS: dict[str, str] = {
    "sales": "Claudia Roth (head of sales)",
    "logistics": "Frank Albers (head of logistics)",
    "quality": "Bernd Schuster (head of quality)",
    "billing": "Monika Hahn (head of billing)",
    "master data": "Ralf Decker (head of master data)",
    "collections": "Lena Hartmann (team lead)",
}
#: What a late case waits for, per resolver department (the escalation's reason).
WAITING_FOR: dict[str, str] = {
    "sales": "sales has not confirmed the agreed price",
    "logistics": "logistics has not sent the proof of delivery from the carrier",
    "quality": "the inspection report is missing",
    "billing": "the invoice correction is pending",
    "master data": "the condition records are not corrected",
    "collections": "the customer has not answered",
}
#: What a case waits for when the customer has to answer first (every missing PO, a third of the
#: damages): the move's note.
AWAITING_FROM_CUSTOMER: dict[str, str] = {
    "NO_PO": "Customer asked for the purchase order number; the invoice is sent again with it.",
    "DAMAGED": "Customer asked for photos of the damage and the carrier's damage report.",
}
_WORKING = tuple(WORKING)


def _weekday(d: date) -> date:
    """``d``, or the Monday after when it falls on a weekend (the team works Monday to Friday)."""
    return d + timedelta(days=(7 - d.weekday()) % 7 if d.weekday() >= 5 else 0)


def _eur(cents: int) -> str:
    return f"EUR {from_cents(cents):,.2f}"


@dataclass
class _Case:
    """One case as the desk plans it: when it is decided and how, and whose it is."""

    case_id: int
    customer_id: str
    reason: str
    department: str | None
    opened: date
    due: date
    owner: str | None
    story: str  #: "", "group", "hub" or "big dispute"
    decide_on: date | None = None  #: None: still being worked at the end
    resolution: str | None = None
    credit_share: float = 0.0
    note: str = ""
    escalate_on: list[date] = field(default_factory=list)  #: level 1, level 2 dates
    inquiry: bool = False


@dataclass
class CaseDesk:
    """The team working the demo's cases: call :meth:`before_import` before each week's import
    (from the second one), then :meth:`finish` after the last; :attr:`counts` tells what was done.
    """

    engine: sa.Engine
    dates: Sequence[date]
    items_by_date: Mapping[date, pl.DataFrame]
    seed: int = 7
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("inquiries", "resolved", "escalations", "with_resolver", "awaiting_customer", "notes"), 0
        )
    )

    def __post_init__(self) -> None:
        from ar_core.demo.customers import GROUP_KEYS
        from ar_core.demo.stories import story_customers

        self.rng = np.random.default_rng([self.seed, 11])
        self.lead = get_actor(self.engine, "lena.lead")
        self.today = config.today()
        self.last = self.dates[-1]
        stories = story_customers(self.engine)
        self.story_of = {stories[k]: "group" for k in GROUP_KEYS if k in stories}
        if "logistics hub" in stories:
            self.story_of[stories["logistics hub"]] = "hub"
        if "big dispute" in stories:
            self.story_of[stories["big dispute"]] = "big dispute"
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(Customer.customer_id, Customer.country, Customer.collector)).all()
        self.owner_of = {c: o for c, _, o in rows}
        self.dutch = sorted(c for c, country, o in rows if country == "NL" and o and c not in self.story_of)
        self.reasons = reason_taxonomy(self.engine)
        last_items = self.items_by_date.get(self.last)
        self.open_at_end: set[str] = set()
        if last_items is not None:
            still = last_items.filter(
                pl.col("disputed").fill_null(False)
                & (pl.col("clearing_date").is_null() | (pl.col("clearing_date") > self.last))
            )
            ids = still.select("company_code", "fiscal_year", "doc_no", "line_item").iter_rows()
            self.open_at_end = {item_key(*row) for row in ids}
        self.cases: dict[int, _Case] = {}
        self.seen = 0
        self.actors: dict[str | None, Actor | None] = {}
        self.noted: set[str] = set()

    # --- the week's work ---------------------------------------------------------------------------

    def before_import(self, k: int) -> None:
        """Record what the team did after key date ``k − 1`` up to key date ``k`` (before importing k)."""
        if self.lead is None or k < 1:
            return
        start, end = self.dates[k - 1], min(self.dates[k], self.today)
        self._plan_new_cases()
        self._open_inquiries(k, start, end)
        working = self._working()
        self._escalate(working, start, end)
        self._decide(working, start, end)

    def finish(self) -> dict[str, int]:
        """After the last import: the cases still being worked go to their resolvers; returns counts."""
        if self.lead is None:
            return self.counts
        self._plan_new_cases()
        working = self._working()
        for case in sorted(self.cases.values(), key=lambda c: c.case_id):
            if case.case_id not in working or case.inquiry or case.opened >= self.last:
                continue  # decided, closed by the ERP, an inquiry, or opened by the last extract
            self._hand_over(case)
        return self.counts

    # --- planning ----------------------------------------------------------------------------------

    def _plan_new_cases(self) -> None:
        """Plan the cases the imports opened since the last look (in case-id order: reproducible)."""
        c, i = DisputeCase, DisputeCaseItem
        query = (
            sa.select(c.id, c.customer_id, c.reason, c.resolver_department, c.opened, c.due, c.owner)
            .where(c.id > self.seen, c.case_type == DISPUTE)
            .order_by(c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            backlog = {
                case_id
                for case_id, key in conn.execute(
                    sa.select(i.case_id, i.item_key)
                    .join(c, c.id == i.case_id)
                    .where(c.id > self.seen, c.case_type == DISPUTE, c.opened <= self.dates[0])
                )
                if key in self.open_at_end
            }
        for case_id, customer, reason, department, opened, due, owner in rows:
            self.seen = max(self.seen, case_id)
            case = _Case(
                case_id, customer, reason, department, opened, due, owner, self.story_of.get(customer, "")
            )
            self._plan(case)
            if opened <= self.dates[0] and case_id not in backlog:  # settled in the ERP before the
                case.decide_on, case.escalate_on = None, []  # desk: "cleared in ERP" when it clears
            self.cases[case_id] = case

    def _plan(self, case: _Case) -> None:
        rng = self.rng
        lo, mode, hi = CYCLE_DAYS.get(case.reason, OTHER_CYCLE_DAYS)
        days = round(rng.triangular(lo, mode, hi))
        outcomes = OUTCOMES.get(case.reason, OTHER_OUTCOMES)
        weights = np.array([w for _, w, _ in outcomes])
        resolution, _, (c_lo, c_hi) = outcomes[int(rng.choice(len(outcomes), p=weights / weights.sum()))]
        share = float(rng.uniform(c_lo, c_hi))
        late = [LEVEL_1_DAYS_LATE, LEVEL_2_DAYS_LATE]
        case.escalate_on = [_weekday(case.due + timedelta(days=d)) for d in late]
        if case.story == "big dispute" and case.reason in BIG_DISPUTE_OPEN:
            return  # the key account's prices, deliveries and damages stay with its resolvers
        case.decide_on = _weekday(case.opened + timedelta(days=days))
        case.resolution, case.credit_share = resolution, share

    # --- inquiries ---------------------------------------------------------------------------------

    def _open_inquiries(self, k: int, start: date, end: date) -> None:
        """The Dutch customers' inquiries of the week, opened by their collectors on the day they came."""
        if not self.dutch:
            return
        rng = self.rng
        items = self.items_by_date.get(self.dates[k - 1])
        codes, weights = zip(*INQUIRY_REASONS, strict=True)
        for _ in range(INQUIRIES_PER_WEEK):
            customer = self.dutch[int(rng.integers(0, len(self.dutch)))]
            code = str(rng.choice(codes, p=np.array(weights) / sum(weights)))
            opened = start + timedelta(days=int(rng.integers(3, 8)))  # Monday to Friday after key date k-1
            sla = self.reasons[code].sla_days
            in_time = rng.random() < INQUIRY_IN_TIME
            days = int(rng.integers(0, sla + 1)) if in_time else int(rng.integers(sla + 1, sla + 7))
            if opened > end:
                continue
            actor = self._actor(self.owner_of.get(customer))
            doc = self._some_invoice(items, customer)
            case_id = open_case(self.engine, actor, customer, reason=code, case_type=INQUIRY,
                                opened=opened, note=_inquiry_note(code, doc))  # fmt: skip
            self.counts["inquiries"] += 1
            self.cases[case_id] = _Case(
                case_id,
                customer,
                code,
                self.reasons[code].resolver_department,
                opened,
                due=opened + timedelta(days=sla),
                owner=self.owner_of.get(customer),
                story="",
                decide_on=_weekday(opened + timedelta(days=days)),
                resolution=ANSWERED,
                note=_answer_note(code, doc),
                inquiry=True,
            )

    @staticmethod
    def _some_invoice(items: pl.DataFrame | None, customer: str) -> str | None:
        if items is None:
            return None
        mine = items.filter((pl.col("customer_id") == customer) & (pl.col("amount") > 0))
        return None if mine.is_empty() else mine.sort("due_date", "doc_no")["doc_no"][-1]

    # --- escalating and deciding -------------------------------------------------------------------

    def _working(self) -> dict[int, tuple[int, int]]:
        """Case id -> (level, disputed cents) of the cases being worked now."""
        c, i = DisputeCase, DisputeCaseItem
        totals = (
            sa.select(i.case_id, sa.func.sum(i.amount_cents).label("cents")).group_by(i.case_id).subquery()
        )
        query = (
            sa.select(c.id, c.level, sa.func.coalesce(totals.c.cents, 0))
            .outerjoin(totals, totals.c.case_id == c.id)
            .where(c.status.in_(_WORKING))
        )
        with self.engine.connect() as conn:
            return {case_id: (level, int(cents)) for case_id, level, cents in conn.execute(query)}

    def _escalate(self, working: dict[int, tuple[int, int]], start: date, end: date) -> None:
        """The review's rule: a week past due with EUR 5,000 or more to the lead, three weeks to level 2."""
        lead = self.lead
        assert lead is not None
        for case_id, (held, cents) in sorted(working.items()):
            case = self.cases.get(case_id)
            if case is None or case.inquiry or from_cents(cents) < ESCALATE_FROM:
                continue
            level = held
            for n, on in enumerate(case.escalate_on, start=1):
                if level >= n or not start < on <= end or (case.decide_on and case.decide_on <= on):
                    continue
                days_late = (on - case.due).days
                department = case.department or "collections"
                why = (
                    f"{case.reason} dispute of {_eur(cents)} {days_late} days past its due date "
                    f"({case.due:%d.%m.}): {WAITING_FOR.get(department, 'no answer yet')}."
                )
                if case.story == "big dispute":
                    why = f"Key account, one of many disputed invoices. {why}"
                if n == 1:
                    actor, to = self._actor(case.owner), f"{lead.name} (team lead)"
                else:
                    actor, to = lead, MANAGERS.get(department, f"head of {department}")
                    why += " Please decide this week: the customer withholds the payment."
                level = escalate_case(self.engine, actor, case_id, to_whom=to, reason=why)
                self.counts["escalations"] += 1

    def _decide(self, working: dict[int, tuple[int, int]], start: date, end: date) -> None:
        """Resolve the cases whose decision falls in (start, end], in date order."""
        due = [c for c in self.cases.values() if c.decide_on and start < c.decide_on <= end]
        for case in sorted(due, key=lambda c: (c.decide_on, c.case_id)):
            if case.case_id not in working:
                continue  # the ERP cleared its items first: closed as "cleared in ERP"
            cents = working[case.case_id][1]
            resolution = case.resolution or REJECTED
            if resolution == WRITE_OFF and from_cents(cents) >= WRITE_OFF_BELOW:
                resolution = REJECTED
            credited = None
            if resolution in CREDITING and cents:
                credited = from_cents(min(cents, max(1, round(cents * case.credit_share))))
            by_owner = case.story in ("group", "hub") or case.inquiry
            actor = self._actor(case.owner) if by_owner else self.lead
            note = case.note or self._decision_note(case, resolution, credited)
            resolve_case(self.engine, actor, case.case_id, resolution, resolved=case.decide_on,
                         credited=credited, note=note)  # fmt: skip
            self.counts["resolved"] += 1
            self.counts["notes"] += bool(note)

    def _decision_note(self, case: _Case, resolution: str, credited: Decimal | None) -> str:
        """The story cases' notes: the first decision per customer explains, later ones are short."""
        if case.story == "group":
            first = case.customer_id not in self.noted
            self.noted.add(case.customer_id)
            text = f"Credit note for the price difference: EUR {credited:,.2f}." if credited else ""
            if first:
                text = (
                    "Billed at the new list price instead of the group price: the price list of "
                    "the group's customer hierarchy was not carried over in the October change. "
                    f"Master data corrects the condition records. {text}"
                )
            return text
        if case.story == "hub":
            if resolution == REJECTED:
                return "Proof of delivery signed at the hub's goods receipt without remarks: customer pays."
            return (
                "Carrier's proof of delivery shows pallets short: credit for the shortfall, "
                f"EUR {credited:,.2f}."
            )
        return ""

    # --- the end of the quarter --------------------------------------------------------------------

    def _hand_over(self, case: _Case) -> None:
        """A case still being worked at the end: with its resolver (a named person) and a follow-up date."""
        department = case.department or "collections"
        people = RESOLVERS.get(department, ("AR team",))
        resolver = people[case.case_id % len(people)]
        follow_up = _weekday(self.last + timedelta(days=int(self.rng.integers(1, 8))))
        lead = self.lead
        assert lead is not None
        waiting = AWAITING_FROM_CUSTOMER.get(case.reason)
        if waiting and case.story != "big dispute" and (case.reason == "NO_PO" or case.case_id % 3 == 0):
            move_case(self.engine, lead, case.case_id, AWAITING_CUSTOMER, note=waiting)
            update_case(self.engine, lead, case.case_id, next_action_date=follow_up)
            self.counts["awaiting_customer"] += 1
            self.counts["notes"] += 1
            return
        note = self._hand_over_note(case, resolver)
        move_case(self.engine, lead, case.case_id, WITH_RESOLVER, note=note)
        update_case(self.engine, lead, case.case_id, resolver=resolver, next_action_date=follow_up)
        self.counts["with_resolver"] += 1
        self.counts["notes"] += bool(note)

    def _hand_over_note(self, case: _Case, resolver: str) -> str:
        if case.story == "group":
            return f"With {resolver}: same price-list issue as the group's earlier invoices."
        if case.story == "hub":
            return f"Proof of delivery requested from the carrier via {resolver}."
        if case.story == "big dispute" and "big dispute" not in self.noted:
            self.noted.add("big dispute")
            return "Key account: price agreement with sales, proofs of delivery with logistics (contact log)."
        return ""

    def _actor(self, username: str | None) -> Actor:
        """The collector (looked up once), or the lead when the case has no owner with a login."""
        if username not in self.actors:
            self.actors[username] = get_actor(self.engine, username) if username else None
        actor, lead = self.actors[username], self.lead
        assert lead is not None
        return actor if actor is not None and actor.has("collector") else lead


def _inquiry_note(code: str, doc: str | None) -> str:
    ref = f" {doc}" if doc else ""
    return {
        "INVOICE_COPY": f"AP asks for a copy of invoice{ref}: the original never reached their scanning.",
        "STATEMENT": "AP asks for an account statement for their quarter-end reconciliation.",
        "CLARIFICATION": f"AP asks what invoice{ref} is for: the reference does not match their order.",
    }[code]


def _answer_note(code: str, doc: str | None) -> str:
    ref = f" {doc}" if doc else ""
    return {
        "INVOICE_COPY": f"Copy of invoice{ref} sent by e-mail.",
        "STATEMENT": "Statement of account sent.",
        "CLARIFICATION": f"Delivery note and order confirmation for{ref} sent; AP will book it.",
    }[code]
