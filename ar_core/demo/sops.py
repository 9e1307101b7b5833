"""The demo team's SOP register: five procedures as a shared-service centre's AR team writes them,
each in two versions (the first approved, then superseded by the second), with some people having
confirmed the current version and others not yet.

Written through the SOP services by the people who would do it: the senior collectors write and
submit, the team lead (or the named approver of disputes, Élise Dubois) approves — never the
author. The effective dates lie in the past so that the lead's list shows one review overdue
(dunning, 12 months) and one due soon (write-off, a 6-month area).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

PROMISE_V1 = """\
**Purpose.** A promise to pay (PTP) that is not kept is the strongest signal we get that a customer
is in trouble or stalling. Act on it the next business day.

**Applies to:** every collector of the AR team, all company codes.

## Trigger
AR Desk marks a promise **broken** when the promised amount has not cleared by the promised date
plus **2 business days** (bank float). It appears at the top of your worklist.

## Steps
1. Check in **FBL5N** (customer, open items, clearing date up to today) that no payment arrived
   under another reference, and look at the bank statement of the last two days for an unapplied
   payment of the customer (**Allocation of unapplied cash**).
2. Call the contact who gave the promise. Ask for the reason and a new date.
3. Log the call in AR Desk (outcome *promise broken*), with what the customer said.
4. A new promise is accepted once. Record it with the new date and the invoices it covers.
5. If the customer cannot name a date, send the dunning letter of the next level.

## Escalation
- Second broken promise in 90 days: escalate to the team lead (second voice).
- Balance over **EUR 25,000**: inform the credit manager the same day.
"""
PROMISE_V2 = PROMISE_V1.replace(
    "4. A new promise is accepted once. Record it with the new date and the invoices it covers.\n",
    "4. A new promise is accepted once, and only for a date at most **10 business days** ahead.\n"
    "   Record it with the new date, the amount and the invoices it covers.\n"
    "   For more than 10 days, offer a payment plan instead (**Payment plans** SOP).\n",
).replace(
    "- Balance over **EUR 25,000**: inform the credit manager the same day.\n",
    "- Balance over **EUR 25,000**: inform the credit manager the same day and set the\n"
    "  order block proposal (risk class C) in the credit note of the account.\n"
    "- Customer in an insolvency procedure: stop — hand the account to the legal desk.\n",
)

WRITE_OFF_V1 = """\
**Purpose.** Write off receivables we will not collect, with four eyes and a clean trail for
the auditors.

## When to request
- Small balances: residual items under **EUR 50** older than 180 days, after one reminder.
- Uncollectable: insolvency closed without quota, customer dissolved, or a court decision.

## Steps
1. Collect the evidence: account statement (**FBL5N**, open items at key date), dunning history,
   the last correspondence, for insolvency the administrator's letter.
2. Create the write-off request in AR Desk (Legal & write-off) with the items and the reason code.
3. Approval limits: up to **EUR 5,000** team lead; up to **EUR 50,000** AR manager; above that the
   controller (Finance). Nobody approves their own request.
4. After approval, GL accounting posts the write-off with **F-30** (bad-debt expense account
   681000, tax correction where VAT applies) and clears the items.
5. Attach the posting document number to the request.

## Never
- Never write off a disputed item: close the dispute first (credit memo or rejection).
"""
WRITE_OFF_V2 = WRITE_OFF_V1.replace(
    "3. Approval limits: up to **EUR 5,000** team lead; up to **EUR 50,000** AR manager; above that the\n"
    "   controller (Finance). Nobody approves their own request.\n",
    "3. Approval limits: up to **EUR 2,500** team lead; up to **EUR 50,000** AR manager; above that the\n"
    "   controller (Finance). Nobody approves their own request.\n"
    "   Lowered from EUR 5,000 after the internal audit of Q1.\n",
).replace(
    "5. Attach the posting document number to the request.\n",
    "5. Attach the posting document number to the request.\n"
    "6. Month end: the controller reconciles the write-offs of the month with account 681000.\n",
)

CASH_V1 = """\
**Purpose.** Every incoming payment is applied to the invoices it pays within **2 business days**;
what cannot be applied is parked on the customer account, never on a suspense account.

## Steps
1. Each morning open the list of unapplied payments (AR Desk, Credit balances → Payments), or in
   SAP **FBL5N** with document type DZ and no clearing.
2. Match by the invoice numbers in the payment reference. AR Desk suggests the invoices; accept a
   suggestion only when the amounts add up to the cent.
3. Clear in SAP with **F-32** (clear customer) or post incoming payment with **F-28**.
4. Short payment up to **EUR 5** or 0.5 %: clear and post the difference to 289000
   (payment differences).
5. Larger difference: post a residual item with reason code and call the customer.

## No reference
Call or e-mail the payer within 2 business days with the amount and date of the payment.
"""
CASH_V2 = CASH_V1.replace(
    "4. Short payment up to **EUR 5** or 0.5 %: clear and post the difference to 289000\n"
    "   (payment differences).\n",
    "4. Short payment up to **EUR 10** (was EUR 5) or 0.5 %, whichever is lower: clear and post the\n"
    "   difference to 289000 (payment differences) with reason code 051.\n",
).replace(
    "## No reference\n",
    "## Skonto taken late\n"
    "Cash discount deducted after the discount period: accept once per customer and year up to\n"
    "**EUR 100**, otherwise leave the residual open and write to the customer.\n\n"
    "## No reference\n",
)

DUNNING_V1 = """\
**Purpose.** One dunning run a week, with the blocks that keep us from dunning what we must not.

## Schedule
- Dunning run **every Tuesday** for company codes 1000, 2000 and 3000, dunning procedure Z001
  (levels 1 reminder, 2 dunning, 3 final notice; 14 days between levels).

## Steps
1. Monday: review the blocks — disputed items (block key **R**), items in a payment plan (**P**),
   accounts handed to legal (**L**).
2. Tuesday: run **F150** with the proposal run, check the proposal list, release, print.
3. Letters in the customer's correspondence language (de, nl, en, fr).
4. Level 3: the collector calls the customer before the letter leaves.

## Blocks
- Only the collector of the account or the team lead sets a block, with a reason and an end date.
- A block without an end date is removed at the next run.
"""
DUNNING_V2 = DUNNING_V1.replace(
    "2. Tuesday: run **F150** with the proposal run, check the proposal list, release, print.\n",
    "2. Tuesday: run **F150** with the proposal run; check the proposal list against the open\n"
    "   promises to pay in AR Desk (no dunning while a promise is open), release, print.\n",
).replace(
    "- A block without an end date is removed at the next run.\n",
    "- A block lasts at most **60 days**; longer needs the team lead.\n"
    "- A block without an end date is removed at the next run.\n",
)

DISPUTE_V1 = """\
**Purpose.** Disputes are resolved, not parked. Every dispute has an owner and a due date.

## Levels
| Level | Who | Resolve within |
| --- | --- | --- |
| 1 | Collector | 10 business days |
| 2 | Team lead with sales / logistics | 10 more business days |
| 3 | AR manager and head of sales | 10 more business days |

## Steps
1. Open a dispute case in AR Desk for the disputed invoices, with the reason code (price,
   quantity, quality, delivery, duplicate invoice).
2. Set the dunning block on the items (block key **R**).
3. Send the case to the owning department (pricing, logistics) with the documents.
4. Past the due date of a level, escalate to the next level.
5. Resolution: credit memo by billing, or rejection with the proof; remove the block.
"""
DISPUTE_V2 = DISPUTE_V1.replace(
    "| 1 | Collector | 10 business days |\n",
    "| 1 | Collector | 5 business days |\n",
).replace(
    "4. Past the due date of a level, escalate to the next level.\n",
    "4. Past the due date of a level, escalate to the next level. Amounts over **EUR 50,000** start\n"
    "   at level 2.\n",
)

#: (title, area, author, approver, [(effective date, change summary, body)] — first then second).
SOPS: list[tuple[str, str, str, str, list[tuple[date, str, str]]]] = [
    ("Handling a broken promise to pay", "collections", "c.meyer", "lena.lead",
     [(date(2025, 4, 1), "First version", PROMISE_V1),
      (date(2026, 9, 1), "New promise at most 10 business days ahead, else a payment plan; insolvency stop",
       PROMISE_V2)]),
    ("Write-off request", "legal/write-off", "s.dejong", "lena.lead",
     [(date(2025, 7, 1), "First version", WRITE_OFF_V1),
      (date(2026, 6, 10), "Team lead's limit lowered to EUR 2,500 after the Q1 audit; month-end check",
       WRITE_OFF_V2)]),
    ("Allocation of unapplied cash", "cash allocation", "c.meyer", "lena.lead",
     [(date(2025, 3, 3), "First version", CASH_V1),
      (date(2026, 3, 2), "Tolerance EUR 10 with reason code 051; late cash discount", CASH_V2)]),
    ("Dunning run and blocks", "dunning", "e.dubois", "lena.lead",
     [(date(2024, 11, 4), "First version", DUNNING_V1),
      (date(2025, 11, 14), "No dunning while a promise is open; blocks at most 60 days", DUNNING_V2)]),
    ("Dispute escalation", "disputes", "c.meyer", "e.dubois",
     [(date(2025, 5, 5), "First version", DISPUTE_V1),
      (date(2026, 10, 5), "Level 1 within 5 business days; large amounts start at level 2", DISPUTE_V2)]),
]  # fmt: skip
#: Areas with their own review interval (months).
REVIEW_MONTHS = {"legal/write-off": 6}
#: Named approvers per area (besides the team lead).
APPROVERS = {"disputes": ["e.dubois"]}
#: Who has confirmed the current version of which SOP (the others are still asked).
ACKNOWLEDGED = {
    "Handling a broken promise to pay": ["j.schneider", "t.becker", "s.dejong", "r.bakker", "e.dubois"],
    "Write-off request": ["c.meyer", "e.dubois"],
    "Allocation of unapplied cash": ["j.schneider", "t.becker", "m.wagner", "s.dejong", "r.bakker",
                                     "l.peeters", "e.dubois", "lena.lead"],
    "Dunning run and blocks": ["c.meyer", "j.schneider", "lena.lead"],
    "Dispute escalation": ["j.schneider", "s.dejong", "lena.lead"],
}  # fmt: skip


def load_demo_sops(engine: sa.Engine) -> None:
    """Write the demo SOP register (skipped quietly when the demo team or an SOP is missing/present)."""
    from ar_core.access import get_actor
    from ar_core.knowledge import (
        acknowledge,
        approve_version,
        create_sop,
        my_drafts,
        new_version,
        set_area_people,
        set_review_months,
        sop_titles,
        submit_for_review,
    )

    lead = get_actor(engine, "lena.lead")
    if lead is None or not sop_titles(engine, lead).is_empty():
        return
    for area, months in REVIEW_MONTHS.items():
        set_review_months(engine, lead, area, months)
    for area, names in APPROVERS.items():
        set_area_people(engine, lead, area, "approver", names)
    for title, area, author_name, approver_name, versions in SOPS:
        author, approver = get_actor(engine, author_name), get_actor(engine, approver_name)
        if author is None or approver is None:
            continue
        sop_id = None
        for effective, summary, body in versions:
            if sop_id is None:
                sop_id = create_sop(engine, author, title=title, area=area, body=body, change_summary=summary)
                version_id = _draft_of(my_drafts(engine, author), sop_id)
            else:
                version_id = new_version(engine, author, sop_id, change_summary=summary, body=body)
            submit_for_review(engine, author, version_id)
            approve_version(engine, approver, version_id, "Reviewed with the team", effective_on=effective,
                            today=effective)  # fmt: skip
        for username in ACKNOWLEDGED.get(title, []):
            reader = get_actor(engine, username)
            if reader is not None and username not in (author_name, approver_name):
                acknowledge(engine, reader, version_id)


def _draft_of(drafts, sop_id: int) -> int:
    return int(drafts.filter(drafts["sop_id"] == sop_id)["version_id"][0])
