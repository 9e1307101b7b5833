"""``users unlock`` and ``users reset-password``: operator commands for user accounts (audited as cli)."""

from __future__ import annotations

import argparse
import sys

from ar_core.cli.common import CLI_ACTOR, open_store
from ar_core.errors import ArDeskError


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="operator commands for user accounts (audited as cli)")
    users_sub = p.add_subparsers(dest="users_command", required=True)
    u = users_sub.add_parser("unlock", help="lift a lockout after failed logins")
    u.add_argument("name")
    u = users_sub.add_parser(
        "reset-password", help="set and print a one-time password (to be changed at the first login)"
    )
    u.add_argument("name")
    p.set_defaults(func=_cmd_users)


def _cmd_users(args: argparse.Namespace) -> int:
    from ar_core.access import one_time_password, reset_password, unlock_user

    engine = open_store()
    try:
        if args.users_command == "unlock":
            was_locked = unlock_user(engine, CLI_ACTOR, args.name)
            print(
                f"{args.name} unlocked."
                if was_locked
                else f"{args.name} was not locked; failure counts cleared."
            )
        else:
            password = one_time_password()
            reset_password(engine, CLI_ACTOR, args.name, password)
            print(f"One-time password for {args.name} (to be changed at the first login):")
            print(password)
    except ArDeskError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0
