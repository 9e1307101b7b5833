"""The house rules of the code base, checked on every run (what import-linter would check, and more).

- ``ar_core`` never imports Streamlit;
- pages, ``ui/`` and ``app.py`` import the public façade of a package (``from ar_core.ledger import
  items_for``), never one of its modules or a service-only name;
- ``store`` imports no area; an area imports another area only through its façade and only along
  an edge listed in :data:`ALLOWED` (which has no cycle);
- pure rule modules (frame in, frame out) never import SQLAlchemy or the store;
- no façade name equals one of its package's modules (the import system would shadow it), and
  every façade name resolves.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "ar_core"
SHARED = {"errors", "config", "money", "schema", "spreadsheet", "settings", "memo", "facade"}
AREAS = ("access", "ledger", "ingest", "collections", "disputes", "credit", "performance", "recovery",
         "knowledge", "reporting")  # fmt: skip
TOOLS = ("demo", "cli")
#: Area -> the areas it may import (through their façades). Tools (demo, cli) may use every area.
ALLOWED: dict[str, set[str]] = {
    "access": set(),
    "ingest": {"access"},
    "ledger": {"access", "ingest"},
    # the worklist and the huddle show dispute follow-ups (and later unapplied cash), and the
    # snapshot lifecycle decides cases as it decides promises: collections builds on both
    "collections": {"access", "ledger", "ingest", "disputes", "credit"},
    "disputes": {"access", "ledger", "ingest"},
    "credit": {"access", "ledger", "ingest"},
    "performance": {"access", "ledger", "collections", "disputes", "credit"},
    # dunning blocks disputed, promised and credit items; released letters land in the contact log
    "recovery": {"access", "ledger", "collections", "disputes", "credit"},
    # the team's language coverage counts the languages of the customer master (ledger.customers)
    "knowledge": {"access", "ledger"},
    "reporting": {"access", "ledger", "collections", "disputes", "credit", "performance", "recovery"},
}
#: Shared modules may record who changed a setting (access) and lean on two pure rule modules for
#: defaults and validation, nothing else.
SHARED_MAY_USE = {"ar_core.access", "ar_core.ledger.aging", "ar_core.collections.priority", "ar_core.store"}
#: Frame in, frame out, ``as_of`` passed in: no SQLAlchemy, no store.
PURE = {
    "ar_core.money", "ar_core.spreadsheet",
    "ar_core.ledger.aging", "ar_core.ledger.clearing", "ar_core.ledger.fx", "ar_core.ledger.items",
    "ar_core.ledger.overview", "ar_core.ledger.snapshot_scope", "ar_core.ledger.account",
    "ar_core.collections.priority", "ar_core.collections.worklist", "ar_core.collections.huddle",
    "ar_core.collections.reason_codes", "ar_core.collections.promise_status",
    "ar_core.collections.behaviour",
    "ar_core.disputes.taxonomy", "ar_core.disputes.sla", "ar_core.disputes.analysis",
    "ar_core.disputes.export",
    "ar_core.credit.references", "ar_core.credit.allocation", "ar_core.credit.payments",
    "ar_core.credit.balances", "ar_core.credit.reconcile", "ar_core.credit.statement",
    "ar_core.ingest.result", "ar_core.ingest.bank.camt", "ar_core.ingest.bank.mt940",
    "ar_core.ingest.bank.checks", "ar_core.ingest.bank.common", "ar_core.ingest.bank.result",
    "ar_core.performance.kpis",
    "ar_core.reporting.layouts", "ar_core.reporting.sheets", "ar_core.reporting.checks",
    "ar_core.reporting.workbook",
    "ar_core.performance.coaching",
    "ar_core.performance.followups", "ar_core.performance.sales_file",
    "ar_core.performance.forecast",
    # knowledge (SOPs, training, skills): one line per capability, its owner adds its modules
    # PURE:sops
    "ar_core.knowledge.sops",
    # PURE:training
    "ar_core.knowledge.training", "ar_core.knowledge.training_file",
    # PURE:skills
    "ar_core.knowledge.skills", "ar_core.knowledge.coverage",
    # recovery
    # PURE:law
    "ar_core.recovery.interest", "ar_core.recovery.rates", "ar_core.recovery.external_parse",
    # PURE:letters
    "ar_core.recovery.letters", "ar_core.recovery.locale_format", "ar_core.recovery.pdf",
    "ar_core.recovery.eml", "ar_core.recovery.statements",
    # PURE:dunning
    "ar_core.recovery.procedure", "ar_core.recovery.dunning_run", "ar_core.recovery.dunning_overview",
    # PURE:plans
    "ar_core.recovery.schedule", "ar_core.recovery.plan_tracking",
    # PURE:legal
    "ar_core.recovery.write_off_rules",
}  # fmt: skip


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """Every import in ``path`` (also inside functions): ``(module, names, line)``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [a.name for a in node.names], node.lineno))
    return found


def _core_files() -> list[Path]:
    return [p for p in CORE.rglob("*.py") if "migrations" not in p.parts]


def _facade(package: str):
    return importlib.import_module(f"ar_core.{package}")


def _area_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) > 1 and parts[0] == "ar_core" and parts[1] in (*AREAS, *TOOLS, "store", "__main__"):
        return "cli" if parts[1] == "__main__" else parts[1]
    return None


def test_ar_core_never_imports_streamlit():
    offenders = [f"{p.relative_to(ROOT)}:{line}" for p in _core_files()
                 for module, _names, line in _imports(p) if module.split(".")[0] == "streamlit"]  # fmt: skip
    assert offenders == []


def _page_files() -> list[Path]:
    return [*(ROOT / "pages").rglob("*.py"), *(ROOT / "ui").rglob("*.py"), ROOT / "app.py"]


def _page_problems(path: Path) -> list[str]:
    problems = []
    for module, names, line in _imports(path):
        if not module.startswith("ar_core"):
            continue
        where = f"{path.name}:{line} {module}"
        parts = module.split(".")
        if (len(parts) == 2 and parts[1] in SHARED) or (module == "ar_core" and set(names) <= SHARED):
            continue
        if len(parts) != 2 or parts[1] not in (*AREAS, "demo", "store"):
            problems.append(f"{where}: not a package façade")
            continue
        public = _facade(parts[1])._EXPORTS
        problems += [f"{where}: {n} is not public" for n in names if n not in public]
    return problems


def test_pages_import_public_facades_only():
    assert [problem for path in _page_files() for problem in _page_problems(path)] == []


def test_a_page_reaching_into_a_module_or_a_service_name_is_caught(tmp_path):
    page = tmp_path / "bad.py"
    page.write_text(
        "from ar_core.ledger.snapshots import load_items\nfrom ar_core.ledger import ledger_items\n"
    )
    assert _page_problems(page) == [
        "bad.py:1 ar_core.ledger.snapshots: not a package façade",
        "bad.py:2 ar_core.ledger: ledger_items is not public",
    ]


def test_store_imports_no_area():
    offenders = [f"{p.relative_to(ROOT)}:{line} {module}" for p in (CORE / "store").rglob("*.py")
                 if "migrations" not in p.parts for module, _n, line in _imports(p)
                 if _area_of(module) not in (None, "store")]  # fmt: skip
    assert offenders == []


def test_areas_use_other_areas_through_their_facades_along_listed_edges():
    offenders = []
    for path in _core_files():
        me = _module_name(path)
        mine = _area_of(me)
        for module, names, line in _imports(path):
            other = _area_of(module)
            if other is None or other in (mine, "store"):
                continue
            where = f"{path.relative_to(ROOT)}:{line} imports {module}"
            if mine is None:  # a shared module
                if module not in SHARED_MAY_USE:
                    offenders.append(f"{where}: shared modules depend on no area")
                continue
            if mine not in TOOLS and other not in ALLOWED[mine]:
                offenders.append(f"{where}: {mine} may not depend on {other}")
            if module != f"ar_core.{other}":
                offenders.append(f"{where}: use the façade ar_core.{other}")
                continue
            facade = _facade(other)
            known = {**facade._EXPORTS, **getattr(facade, "_SERVICE", {})}
            offenders += [f"{where}: {n} is not in its façade" for n in names if n not in known]
    assert offenders == []


def test_the_listed_area_edges_have_no_cycle():
    seen: dict[str, int] = {}

    def visit(area: str, path: tuple[str, ...]) -> None:
        assert area not in path, " -> ".join((*path, area))
        if seen.get(area):
            return
        for dep in ALLOWED[area]:
            visit(dep, (*path, area))
        seen[area] = 1

    for area in ALLOWED:
        visit(area, ())


def test_pure_rule_modules_never_touch_sqlalchemy_or_the_store():
    offenders = []
    for module in sorted(PURE):
        path = ROOT / Path(*module.split(".")).with_suffix(".py")
        for imported, _n, line in _imports(path):
            if imported.split(".")[0] == "sqlalchemy" or imported.startswith("ar_core.store"):
                offenders.append(f"{module}:{line} imports {imported}")
            area = _area_of(imported)
            if area and area != "store" and imported not in PURE and f"ar_core.{area}" != imported:
                offenders.append(f"{module}:{line} imports the service module {imported}")
    assert offenders == []


@pytest.mark.parametrize(
    "package", [*(a for a in AREAS if (CORE / a / "__init__.py").exists()), "store", "demo", "cli"]
)
def test_every_facade_name_resolves_and_none_shadows_a_module(package):
    facade = _facade(package)
    modules = {p.stem for p in (CORE / package).glob("*.py")}
    names = {**facade._EXPORTS, **getattr(facade, "_SERVICE", {})}
    # a name equal to a module's is shadowed by the module once imported, unless bound eagerly
    assert sorted(n for n in set(names) & modules if n not in vars(facade)) == []
    for name, module in names.items():
        defined = getattr(importlib.import_module(f"ar_core.{package}.{module}"), name)
        assert getattr(facade, name) is defined, name
