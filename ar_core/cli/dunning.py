"""``dunning run`` (the proposed letters of a run as of a date) and ``dunning letters`` (their PDFs).

``run`` stores nothing: it shows what a run as of the date would propose (one letter per customer),
``--json`` one object per letter with exactly the keys ``customer_id, language, level, items
[{doc_no, amount, due_date, days_overdue, interest}], interest_total, compensation, total``
(amounts as decimal strings with two places; credits as items with negative amounts and interest
``0.00``). ``letters`` writes one PDF per customer and the whole run as one file: the letters of
the run released as of that date when there is one (what was sent), else the proposal's, dated
the as-of date.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ar_core.cli.common import CLI_ACTOR, open_store, parse_date


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dunning", help="dunning runs: the proposed letters and their PDFs")
    cmds = p.add_subparsers(dest="dunning_command", required=True)
    c = cmds.add_parser("run", help="the letters a dunning run as of a date proposes (nothing is sent)")
    c.add_argument("--as-of", dest="as_of", required=True, type=parse_date, help="the run's date")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_cmd_run)
    c = cmds.add_parser("letters", help="write the run's letters as PDFs (one per customer, and one file)")
    c.add_argument("--as-of", dest="as_of", required=True, type=parse_date, help="the run's date")
    c.add_argument("--out", required=True, help="the folder the PDFs are written to")
    c.set_defaults(func=_cmd_letters)


def _cmd_run(args: argparse.Namespace) -> int:
    from ar_core.errors import ArDeskError
    from ar_core.recovery import letter_json, preview_run

    try:
        proposal = preview_run(open_store(), CLI_ACTOR, args.as_of)
    except ArDeskError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    out = [letter_json(x) for x in proposal.letters]
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    held = proposal.held.height
    print(f"Dunning run as of {args.as_of:%d.%m.%Y}: {len(out)} letter(s), {held} customer(s) held")
    for letter, row in zip(proposal.letters, out, strict=True):
        print(
            f"  {row['customer_id']:<14} {letter.kind:<13} level {row['level']}  {row['language']}  "
            f"{len(row['items'])} line(s)  interest {row['interest_total']:>10}  "
            f"compensation {row['compensation']:>9}  total {row['total']:>12} {letter.currency}"
        )
    for held in proposal.held.iter_rows(named=True):
        print(f"  held {held['customer_id']:<14} {held['reason']}: {held['detail']}")
    return 0


def _cmd_letters(args: argparse.Namespace) -> int:
    from ar_core.errors import ArDeskError
    from ar_core.recovery import (
        customer_pdfs,
        letter_from_context,
        letters_pdf,
        list_runs,
        preview_contexts,
        preview_run,
        released_letters,
    )

    engine = open_store()
    try:
        runs = list_runs(engine, CLI_ACTOR)
        released = [
            r for r in runs.iter_rows(named=True) if r["status"] == "released" and r["as_of"] == args.as_of
        ]
        if released:
            letters = released_letters(engine, CLI_ACTOR, released[0]["run_id"])
        else:
            proposal = preview_run(engine, CLI_ACTOR, args.as_of)
            letters = [
                letter_from_context(c) for c in preview_contexts(engine, CLI_ACTOR, proposal, args.as_of)
            ]
        if not letters:
            print(f"no dunning letters as of {args.as_of:%d.%m.%Y}", file=sys.stderr)
            return 1
        files = customer_pdfs(letters)
        files[f"dunning-run-{args.as_of.isoformat()}.pdf"] = letters_pdf(letters)
    except ArDeskError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (out / name).write_bytes(data)
    except OSError as exc:
        print(f"cannot write to {out}: {exc.strerror}", file=sys.stderr)
        return 1
    source = f"run {released[0]['run_id']} (released)" if released else "the proposal"
    print(f"{len(letters)} letter(s) of {source} written to {out}: {', '.join(sorted(files))}")
    return 0
