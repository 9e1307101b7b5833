"""User and file text is shown as text, never rendered as Markdown (issue 7, *Exports and rendering*).

A collector's escalation reason ``[click](http://evil.example) ![x](http://evil.example/x.png)``
became a live link and an external image request in the lead's browser. Every element whose
text Streamlit renders as Markdown must carry that text escaped.
"""

from __future__ import annotations

import re

import polars as pl
import pytest

from ar_core.access.users import get_actor
from ar_core.collections import escalations
from ar_core.collections.lifecycle import import_snapshot
from ar_core.ingest import read_extract
from ar_core.ledger.customers import upsert_customer_master
from tests.app_support import SYSTEM, app_store, open_tab
from tests.app_support import open_page as _open
from tests.samples import fbl5n_german_text
from ui.text import escape

MUELLER, BAKKER = "0000100001", "0000100002"
REASON = "[click](http://evil.example) ![x](http://evil.example/x.png)"
NAME = "**Evil** [Corp](http://evil.example) :red[GmbH] $x$"

# --- the helper --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("[click](http://evil.example)", "\\[click\\](http\u2060\\://evil.example)"),
        ("![x](https://e/x.png)", "\\!\\[x\\](https\u2060\\://e/x.png)"),
        # GFM autolink literals are found after parsing: a word joiner breaks them
        ("www.evil.example", "www\u2060.evil.example"),
        ("mail a@evil.example", "mail a\u2060@evil.example"),
        ("Note: swww.x", "Note\\: swww.x"),  # no joiner where nothing would link
        (":red[big] :material/home:", r"\:red\[big\] \:material/home\:"),  # Streamlit directives
        ("<img src=x>", r"\<img src=x\>"),
        ("**bold** _it_ `code` ~~x~~ $x$", r"\*\*bold\*\* \_it\_ \`code\` \~\~x\~\~ \$x\$"),
        ("a\n\n# heading", r"a \# heading"),  # no block structure from line breaks
        ("- item", r"\- item"),
        ("12. item", r"12\. item"),
        ("Bakker Logistiek B.V. (NL), 1.5", "Bakker Logistiek B.V. (NL), 1.5"),
        ("Müller & Söhne", r"Müller \& Söhne"),
        ("C:\\temp", r"C\:\\temp"),
        (None, ""),
    ],
)
def test_escape_leaves_no_markdown_syntax(raw, shown):
    assert escape(raw) == shown


# --- the pages ---------------------------------------------------------------------------------


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    users = {"lena": ["lead"], "colin": ["collector"], "cora": ["collector"]}
    with app_store(tmp_path, monkeypatch, users, "long-enough-pw") as engine:
        upsert_customer_master(
            engine,
            SYSTEM,
            pl.DataFrame(
                {
                    "customer_id": [MUELLER, BAKKER],
                    "name": [NAME, "Bakker Logistiek B.V."],
                    "collector": ["colin", "cora"],
                    "contact_name": ["[Hans](http://evil.example)", None],
                }
            ),
        )
        import_snapshot(engine, SYSTEM, read_extract(fbl5n_german_text(), "fbl5n.txt"))
        escalations.escalate(engine, get_actor(engine, "colin"), MUELLER, to_username="lena", reason=REASON)
        yield engine


def _rendered_sources(at) -> list[str]:
    """The Markdown source of every element Streamlit renders as Markdown."""
    kinds = ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success")
    return [e.value for kind in kinds for e in at.get(kind)]


def _assert_shown_as_text(at, raw: str) -> None:
    sources = _rendered_sources(at)
    assert not [s for s in sources if raw in s], "raw user text reached a Markdown element"
    assert not [s for s in sources if re.search(r"(?<!\\)\]\(", s)], "a live Markdown link or image"
    assert any(escape(raw) in s for s in sources), f"{raw!r} not shown at all"


def test_escalation_reason_on_the_account_page_is_text(ledger):
    at = _open("pages/account.py", "lena")
    at.query_params["customer"] = MUELLER
    open_tab(at, "Second voice")  # only the open tab runs
    _assert_shown_as_text(at, REASON)  # the banner and the Second voice tab
    banner = [w.value for w in at.warning if "Escalated by" in w.value]
    assert len(banner) == 1 and banner[0].startswith("Escalated by colin to **lena** on ")
    assert banner[0].endswith(f": {escape(REASON)}")
    voice = [m.value for m in at.markdown if m.value.startswith("**Escalation ")]
    assert voice and voice[0].endswith(escape(REASON))


def test_customer_master_text_on_the_account_page_is_text(ledger):
    at = _open("pages/account.py", "lena")
    at.query_params["customer"] = MUELLER
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == escape(NAME)
    _assert_shown_as_text(at, "[Hans](http://evil.example)")


def test_escalation_reason_and_name_in_the_huddle_are_text(ledger):
    at = _open("pages/huddle.py", "lena")
    assert not at.exception, at.exception
    at.segmented_control(key="hd_section").set_value("escalations").run()
    assert not at.exception, at.exception
    _assert_shown_as_text(at, REASON)
    _assert_shown_as_text(at, NAME)
