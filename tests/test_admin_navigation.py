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
        "payment_plans",
        "dunning",
        "insolvency",
        "write_offs",
        "huddle",
        "collector_metrics",
        "sops",
        "training",
        "skills",
        "home",
        "kpis",
        "root_causes",
        "reports",
        "upload",
        "settings",
        "admin",
    ]
    for page in PAGES:
        assert (ROOT / page.file).exists()
        assert page.url_path == Path(page.file).stem


def test_the_sidebar_groups_the_pages_in_sections():
    from ui.navigation import sections_for

    grouped = {k: [p.title for p in v] for k, v in sections_for(frozenset({"collector"})).items()}
    assert grouped == {
        "Collect": [
            "Worklist",
            "Customer account",
            "Disputes",
            "Credit balances",
            "Payment plans",
            "Dunning",
        ],
        "Recover": ["Insolvency & ratings", "Legal & write-off"],
        "Team": ["Collector metrics", "SOPs", "Training", "Skills & coverage"],
        "Analyse": ["Overview", "KPIs"],
    }
    assert list(sections_for(frozenset({"admin"})))[-1] == "Run"
    assert [p.title for p in sections_for(frozenset({"admin"}))["Run"]] == [
        "Upload",
        "Settings",
        "Users & audit",
    ]
