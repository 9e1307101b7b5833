"""``python -m ar_core``: the headless AR Desk (see ar_core.cli)."""

from __future__ import annotations

import sys

from ar_core.cli.entry import main

sys.exit(main())
