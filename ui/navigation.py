"""Which pages a role sees. Each page re-checks with ui.guard: hiding is not the permission."""

from __future__ import annotations

#: (file, title, icon, roles allowed; empty = every logged-in user).
PAGES: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("pages/worklist.py", "Worklist", ":material/format_list_numbered:", ()),
    ("pages/account.py", "Customer account", ":material/person:", ()),
    ("pages/huddle.py", "Huddle", ":material/groups:", ("lead", "admin")),
    ("pages/home.py", "Overview", ":material/dashboard:", ()),
    ("pages/upload.py", "Upload", ":material/upload_file:", ("lead", "admin")),
    ("pages/settings.py", "Settings", ":material/tune:", ("lead", "admin")),
    ("pages/admin.py", "Users & audit", ":material/admin_panel_settings:", ("admin",)),
]


def pages_for(roles: frozenset[str]) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return [p for p in PAGES if not p[3] or roles & set(p[3])]
