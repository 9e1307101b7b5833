"""Which pages a role sees, and each page's stable URL. Each page re-checks with ui.guard.

The URL path of a page never changes (bookmarks such as ``/huddle`` keep working), and app.py
serves the same paths while a user logs in or changes a password, so the URL opened — with its
query string, e.g. ``/account?customer=0000100001`` — is the page shown after login.

Each URL path is the page file's name on purpose: until some script has called
``st.navigation`` since the server started, Streamlit treats ``pages/`` as a v1 multipage app
and resolves a bookmarked path to the file of that name (``ui.guard`` then hands over to
app.py). A path that differs from the file name would answer "page not found" after a restart.
"""

from __future__ import annotations

from typing import NamedTuple

from ar_core.access import READ_ALL_ROLES


class PageSpec(NamedTuple):
    """One page of the app: file, navigation title and icon, roles (empty = everyone), URL path."""

    file: str
    title: str
    icon: str
    roles: tuple[str, ...]
    url_path: str
    #: The sidebar's group heading.
    section: str = ""


#: The start page comes first (it is also served at ``/``). The sidebar groups the pages by
#: ``section``, in this order.
PAGES: list[PageSpec] = [
    PageSpec("pages/worklist.py", "Worklist", ":material/format_list_numbered:", (), "worklist", "Collect"),
    PageSpec("pages/account.py", "Customer account", ":material/person:", (), "account", "Collect"),
    PageSpec("pages/disputes.py", "Disputes", ":material/gavel:", (), "disputes", "Collect"),
    PageSpec("pages/credit_balances.py", "Credit balances", ":material/savings:",
             ("collector", "lead", "controller", "admin"), "credit_balances", "Collect"),
    PageSpec("pages/payment_plans.py", "Payment plans", ":material/event_repeat:", (), "payment_plans",
             "Collect"),
    PageSpec("pages/dunning.py", "Dunning", ":material/mail:", (), "dunning", "Collect"),
    PageSpec("pages/insolvency.py", "Insolvency & ratings", ":material/report:", (), "insolvency", "Recover"),
    PageSpec("pages/write_offs.py", "Legal & write-off", ":material/balance:", (), "write_offs", "Recover"),
    PageSpec("pages/huddle.py", "Huddle", ":material/groups:", ("lead", "admin"), "huddle", "Team"),
    PageSpec("pages/collector_metrics.py", "Collector metrics", ":material/trending_up:",
             ("collector", "lead", "admin"), "collector_metrics", "Team"),
    PageSpec("pages/sops.py", "SOPs", ":material/menu_book:", (), "sops", "Team"),
    PageSpec("pages/training.py", "Training", ":material/school:", (), "training", "Team"),
    PageSpec("pages/skills.py", "Skills & coverage", ":material/diversity_3:", (), "skills", "Team"),
    PageSpec("pages/home.py", "Overview", ":material/dashboard:", (), "home", "Analyse"),
    PageSpec("pages/kpis.py", "KPIs", ":material/speed:", (), "kpis", "Analyse"),
    PageSpec("pages/root_causes.py", "Root causes", ":material/insights:", READ_ALL_ROLES, "root_causes",
             "Analyse"),
    PageSpec("pages/reports.py", "Reports", ":material/summarize:", ("lead", "controller", "admin"),
             "reports", "Analyse"),
    PageSpec("pages/upload.py", "Upload", ":material/upload_file:", ("lead", "admin"), "upload", "Run"),
    PageSpec("pages/settings.py", "Settings", ":material/tune:", ("lead", "admin"), "settings", "Run"),
    PageSpec("pages/admin.py", "Users & audit", ":material/admin_panel_settings:", ("admin",), "admin",
             "Run"),
]  # fmt: skip


def pages_for(roles: frozenset[str]) -> list[PageSpec]:
    return [p for p in PAGES if not p.roles or roles & set(p.roles)]


def sections_for(roles: frozenset[str]) -> dict[str, list[PageSpec]]:
    """The role's pages grouped by sidebar section, sections and pages in :data:`PAGES` order."""
    grouped: dict[str, list[PageSpec]] = {}
    for page in pages_for(roles):
        grouped.setdefault(page.section, []).append(page)
    return grouped
