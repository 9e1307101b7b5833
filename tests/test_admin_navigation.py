"""Page URLs: stable, unique, and equal to the page file's name (see ui/navigation.py for why)."""

from __future__ import annotations

from pathlib import Path

from tests.app_support import ROOT
from ui.navigation import PAGES


def test_every_page_has_its_file_name_as_url_path():
    assert [p.url_path for p in PAGES] == [
        "worklist",
        "account",
        "disputes",
        "credit_balances",
        "huddle",
        "collector_metrics",
        "root_causes",
        "kpis",
        "home",
        "reports",
        "dunning",
        "payment_plans",
        "write_offs",
        "insolvency",
        "sops",
        "training",
        "skills",
        "upload",
        "settings",
        "admin",
    ]
    for page in PAGES:
        assert (ROOT / page.file).exists()
        assert page.url_path == Path(page.file).stem
