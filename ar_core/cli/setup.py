"""``init`` (create/migrate the database, demo data when empty) and ``demo-data`` (write the demo files)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ar_core.cli.common import open_store
from ar_core.config import settings


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo-data", help="write the demo extracts (FBL5N style) and customer master")
    p.add_argument("--out", required=True)
    p.add_argument("--items", type=int)
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(func=_cmd_demo_data)

    p = sub.add_parser("init", help="create/migrate the database and load the demo data when it is empty")
    p.add_argument("--no-demo", action="store_true")
    p.set_defaults(func=_cmd_init)


def _cmd_demo_data(args: argparse.Namespace) -> int:
    from ar_core.demo import generate_demo

    kwargs = {"seed": args.seed}
    if args.items:
        kwargs["items"] = args.items
    paths = generate_demo(Path(args.out), **kwargs)
    for p in paths:
        print(p)
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from ar_core.demo import load_demo_if_empty

    cfg = settings()
    engine = open_store()
    if args.no_demo:
        print(f"Database ready at {engine.url.render_as_string(hide_password=True)}")
        return 0
    loaded = load_demo_if_empty(engine, cfg.data_dir)
    print("Demo data loaded." if loaded else "Database already holds data; demo not loaded.")
    return 0
