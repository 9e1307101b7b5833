"""Text that users or files typed, shown as text: never rendered as Markdown.

Streamlit renders Markdown in ``st.markdown``, ``st.caption``, ``st.title``, the alert boxes
(``st.info``/``st.warning``/``st.error``/``st.success``), ``st.toast`` and widget labels — links,
images (an external request from the reader's browser), colour directives, emoji and icon
shortcodes, LaTeX. An escalation reason ``[click](http://evil.example)`` must stay those
characters. Every piece of outside text interpolated into such a string goes through
:func:`escape`; fixed text written here in the code is not escaped.
"""

from __future__ import annotations

import re

#: The characters that start Markdown syntax inside a line: links and images (``[``, ``]``,
#: ``!``), emphasis and code (`` ` ``, ``*``, ``_``, ``~``), raw HTML and autolinks (``<``, ``>``),
#: entities (``&``), LaTeX (``$``), Streamlit's ``:red[...]``/``:material/...:``/emoji (``:``),
#: headings (``#``) and the backslash itself. CommonMark shows a backslash-escaped ASCII
#: punctuation character as itself; other punctuation (``.``, ``(``, ``,``) needs no escape.
_SYNTAX = re.compile(r"([\\`*_\[\]<>!~$:&#])")
#: List markers at the start of the text (``- x``, ``+ x``, ``1. x``, ``1) x``).
_LIST_START = re.compile(r"^(\s*)([-+]|\d+[.)])(?=\s|$)")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
#: Streamlit's GFM turns bare ``http://…``, ``www.…``, ``mailto:`` and e-mail addresses into links
#: after parsing (backslashes are gone by then): an invisible word joiner breaks the pattern.
WORD_JOINER = "\u2060"
_AUTOLINKS = re.compile(
    r"(?i)(?<![a-z0-9])(?:https?(?=://)|www(?=\.)|mailto(?=:)|xmpp(?=:))|(?<=[\w.+-])(?=@[\w-])"
)


def escape(value: object) -> str:
    """``value`` as Markdown source that shows exactly its characters (line breaks become spaces).

    A bare web or e-mail address keeps an invisible word joiner after ``http``/``www``/before ``@``.

    ``None`` becomes the empty string; other values are shown with ``str``.
    """
    if value is None:
        return ""
    text = _AUTOLINKS.sub(lambda m: m.group(0) + WORD_JOINER, _LINE_BREAKS.sub(" ", str(value)))
    # Leading spaces would start a code block only at a line start: the callers interpolate.
    text = _SYNTAX.sub(r"\\\1", text)
    return _LIST_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)


#: How a missing value reads on the pages: in text, and in every table's empty cells.
DASH = "—"


def or_dash(value: object) -> str:
    """:func:`escape`, or an em dash when there is nothing to show."""
    return escape(value) if value not in (None, "") else DASH
