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


#: The start page comes first (it is also served at ``/``).
PAGES: list[PageSpec] = [
    PageSpec("pages/worklist.py", "Worklist", ":material/format_list_numbered:", (), "worklist"),
    PageSpec("pages/account.py", "Customer account", ":material/person:", (), "account"),
    PageSpec("pages/disputes.py", "Disputes", ":material/gavel:", (), "disputes"),
    PageSpec(
        "pages/credit_balances.py",
        "Credit balances",
        ":material/savings:",
        ("collector", "lead", "controller", "admin"),
        "credit_balances",
    ),
    PageSpec("pages/huddle.py", "Huddle", ":material/groups:", ("lead", "admin"), "huddle"),
    PageSpec(
        "pages/collector_metrics.py",
        "Collector metrics",
        ":material/trending_up:",
        ("collector", "lead", "admin"),
        "collector_metrics",
    ),
    PageSpec("pages/root_causes.py", "Root causes", ":material/insights:", READ_ALL_ROLES, "root_causes"),
    PageSpec("pages/kpis.py", "KPIs", ":material/speed:", (), "kpis"),
    PageSpec("pages/home.py", "Overview", ":material/dashboard:", (), "home"),
    PageSpec(
        "pages/reports.py", "Reports", ":material/summarize:", ("lead", "controller", "admin"), "reports"
    ),
    PageSpec("pages/dunning.py", "Dunning", ":material/mail:", (), "dunning"),
    PageSpec("pages/payment_plans.py", "Payment plans", ":material/event_repeat:", (), "payment_plans"),
    PageSpec("pages/write_offs.py", "Legal & write-off", ":material/balance:", (), "write_offs"),
    PageSpec("pages/insolvency.py", "Insolvency & ratings", ":material/report:", (), "insolvency"),
    PageSpec("pages/sops.py", "SOPs", ":material/menu_book:", (), "sops"),
    PageSpec("pages/training.py", "Training", ":material/school:", (), "training"),
    PageSpec("pages/skills.py", "Skills & coverage", ":material/diversity_3:", (), "skills"),
    PageSpec("pages/upload.py", "Upload", ":material/upload_file:", ("lead", "admin"), "upload"),
    PageSpec("pages/settings.py", "Settings", ":material/tune:", ("lead", "admin"), "settings"),
    PageSpec("pages/admin.py", "Users & audit", ":material/admin_panel_settings:", ("admin",), "admin"),
]


def pages_for(roles: frozenset[str]) -> list[PageSpec]:
    return [p for p in PAGES if not p.roles or roles & set(p.roles)]
