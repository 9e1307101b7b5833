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
import string

#: Every ASCII punctuation character: CommonMark lets a backslash escape each of them, and then
#: shows the character itself. Escaping all of them also stops GFM autolinks (``http\:``,
#: ``www\.``), Streamlit's ``:red[...]`` / ``:material/...:`` directives and ``$`` LaTeX.
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def escape(value: object) -> str:
    """``value`` as Markdown source that shows exactly its characters (line breaks become spaces).

    ``None`` becomes the empty string; other values are shown with ``str``.
    """
    if value is None:
        return ""
    text = _LINE_BREAKS.sub(" ", str(value))
    # Leading spaces would start a code block only at a line start: the callers interpolate.
    return _PUNCTUATION.sub(r"\\\1", text)


def or_dash(value: object) -> str:
    """:func:`escape`, or an em dash when there is nothing to show."""
    return escape(value) if value not in (None, "") else "—"
