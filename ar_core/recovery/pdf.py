"""Letters as PDF: the letterhead from settings, the address window, date and reference, the
wording of the template with its tables, and page numbers per letter.

A DIN 5008 layout (form B) that also fits Dutch, French and British window envelopes: the
address window 20 mm from the left and 45 mm from the top, the reference block beside it, fold
marks at 105 and 210 mm. reportlab with its standard fonts only (Helvetica), so nothing needs
installing beyond the package: those fonts are encoded in WinAnsi (Windows-1252), so every text is
first mapped into it (Babel's narrow no-break space becomes a no-break space, a minus sign a
hyphen, anything else without a WinAnsi form its base letter or "?"). Every text from the data is
escaped before reportlab reads its markup.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from xml.sax.saxutils import escape

from babel import Locale
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ar_core.errors import InvalidInput
from ar_core.ledger import statement_labels
from ar_core.recovery.letters import MARK, Letter, Rendered, render_parts
from ar_core.recovery.locale_format import format_date, locale_of

WIDTH, HEIGHT = A4
LEFT, RIGHT = 20 * mm, 20 * mm
#: The body on a letter's first page starts below the address window and the reference block.
FIRST_TOP = 98 * mm
LATER_TOP = 25 * mm
BOTTOM = 32 * mm
FONT, BOLD = "Helvetica", "Helvetica-Bold"
GREY = colors.Color(0.35, 0.35, 0.35)
#: Characters WinAnsi lacks, by what stands in for them.
_STAND_INS = {
    "\u202f": "\u00a0",  # narrow no-break space (Babel's French thousands)
    "\u2007": "\u00a0",
    "\u2009": " ",
    "\u200a": " ",
    "\u200b": "",
    "\u2010": "-",
    "\u2011": "-",
    "\u2212": "-",  # minus sign
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2192": "->",
    # letters that have no decomposition to a WinAnsi base letter
    "Ł": "L",
    "ł": "l",
    "Đ": "D",
    "đ": "d",
    "ı": "i",
    "Ħ": "H",
    "ħ": "h",
}
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5, spaceAfter=7)
SUBJECT = ParagraphStyle("subject", parent=BODY, fontName=BOLD, fontSize=11, spaceAfter=10)
SMALL = ParagraphStyle("small", fontName=FONT, fontSize=7.2, leading=9, textColor=GREY)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=8.8, leading=10.5)
CELL_RIGHT = ParagraphStyle("cell_right", parent=CELL, alignment=TA_RIGHT)


def winansi(text: str) -> str:
    """``text`` with only characters the standard PDF fonts can show (WinAnsi / Windows-1252)."""
    out = []
    for original in str(text):
        ch = _STAND_INS.get(original, original)
        try:
            ch.encode("cp1252")
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("cp1252", "ignore").decode("cp1252")
            ch = "".join(c for c in base if not unicodedata.combining(c)) or "?"
        out.append(ch)
    return "".join(out)


def _markup(text: str) -> str:
    """Escaped reportlab markup of one paragraph, amounts kept on one line, line breaks kept."""
    text = winansi(text)
    text = re.sub(r"(?<=\d) (?=\d{3}(?!\d))", "\u00a0", text)  # French thousands: 1 234,56
    text = re.sub(r"(?<=\d) (?=(?:€|£|\$|[A-Z]{3}|US\$|\$US)(?![\w]))", "\u00a0", text)  # 1.234,56 €
    text = re.sub(r"(?<=[€£$]) (?=-?\d)", "\u00a0", text)  # Dutch: € 1.234,56
    return "<br/>".join(escape(line) for line in text.split("\n"))


def letters_pdf(letters: Sequence[Letter]) -> bytes:
    """One PDF holding ``letters``, each starting on a new page with its own page numbers."""
    if not letters:
        raise InvalidInput("letters", "no letters to print")
    parts = [render_parts(letter) for letter in letters]
    out = io.BytesIO()
    first = letters[0]
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        leftMargin=LEFT,
        rightMargin=RIGHT,
        topMargin=LATER_TOP,
        bottomMargin=BOTTOM,
        title=winansi(parts[0].subject if len(letters) == 1 else f"{len(letters)} letters"),
        author=winansi(first.context["letterhead"].get("company_name") or ""),
        creator="AR Desk",
    )
    body_width = WIDTH - LEFT - RIGHT
    doc.addPageTemplates(
        [
            PageTemplate(
                "first",
                [Frame(LEFT, BOTTOM, body_width, HEIGHT - FIRST_TOP - BOTTOM, id="first", showBoundary=0)],
                onPageEnd=_first_page,
            ),
            PageTemplate(
                "later",
                [Frame(LEFT, BOTTOM, body_width, HEIGHT - LATER_TOP - BOTTOM, id="later", showBoundary=0)],
                onPageEnd=_later_page,
            ),
        ]
    )
    story: list = []
    for i, (letter, rendered) in enumerate(zip(letters, parts, strict=True)):
        if i:
            story += [NextPageTemplate("first"), PageBreak()]
        story += [_Start(i, letter, rendered), NextPageTemplate("later")]
        story += _body(rendered, body_width)
    doc.build(story, canvasmaker=_NumberedCanvas)
    return out.getvalue()


def customer_pdfs(letters: Sequence[Letter]) -> dict[str, bytes]:
    """One PDF per customer (its letters in order), by file name ``<kind>-<customer>-<date>.pdf``
    (``letters-<customer>-<date>.pdf`` when a customer has several)."""
    by_customer: dict[str, list[Letter]] = {}
    for letter in letters:
        by_customer.setdefault(str(letter.context["customer"]["customer_id"]), []).append(letter)
    files = {}
    for group in by_customer.values():
        name = (
            letter_file_name(group[0], "pdf")
            if len(group) == 1
            else letter_file_name(group[0], "pdf", "letters")
        )
        files[name] = letters_pdf(group)
    return files


def letter_file_name(letter: Letter, extension: str, stem: str | None = None) -> str:
    """``reminder-100234-2026-12-02.pdf``: kind, customer number (safe characters only), date."""
    customer = re.sub(r"[^A-Za-z0-9_-]+", "_", str(letter.context["customer"]["customer_id"]))
    return f"{stem or letter.kind}-{customer}-{letter.context['letter_date'].isoformat()}.{extension}"


def _body(rendered: Rendered, width: float) -> list:
    flow: list = []
    for raw in rendered.text.split("\n\n"):
        block = raw.strip("\n")
        if not block:
            continue
        if block == f"{MARK}S{MARK}":
            flow.append(Paragraph(_markup(rendered.subject), SUBJECT))
        elif block.startswith(f"{MARK}T") and block.endswith(MARK):
            flow += [_table(rendered.tables[int(block[2:-1])], width), Spacer(1, 8)]
        else:
            flow.append(Paragraph(_markup(block), BODY))
    return flow


def _table(table, width: float) -> Table:
    if table.kind == "totals":
        rows = [
            [Paragraph(_markup(label), CELL), Paragraph(_markup(value), CELL_RIGHT)]
            for label, value in table.rows
        ]
        out = Table(rows, colWidths=[62 * mm, 32 * mm], hAlign="RIGHT")
        style = [
            ("LINEABOVE", (0, -1), (-1, -1), 0.7, colors.black),
            ("FONTNAME", (0, -1), (-1, -1), BOLD),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
        if rows:
            last = table.rows[-1]
            rows[-1] = [
                Paragraph(f"<b>{_markup(last[0])}</b>", CELL),
                Paragraph(f"<b>{_markup(last[1])}</b>", CELL_RIGHT),
            ]
            out = Table(rows, colWidths=[62 * mm, 32 * mm], hAlign="RIGHT")
        out.setStyle(TableStyle(style))
        return out
    styles = [CELL_RIGHT if num else CELL for num in table.numeric]
    head = [Paragraph(f"<b>{_markup(h)}</b>", s) for h, s in zip(table.headings, styles, strict=True)]
    body = [[Paragraph(_markup(c), s) for c, s in zip(row, styles, strict=True)] for row in table.rows]
    weights = [
        max([len(table.headings[i]) * 0.8] + [len(r[i]) for r in table.rows] + [6])
        for i in range(len(styles))
    ]
    total = sum(weights)
    out = Table([head, *body], colWidths=[width * w / total for w in weights], repeatRows=1, hAlign="LEFT")
    out.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.7, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.Color(0.95, 0.95, 0.95)]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return out


class _Start(Flowable):
    """Zero-size mark at the start of a letter: tells the canvas whose page this is."""

    def __init__(self, index: int, letter: Letter, rendered: Rendered) -> None:
        super().__init__()
        self.index, self.letter, self.rendered = index, letter, rendered
        self.width = self.height = 0

    def wrap(self, *_args):
        return 0, 0

    def draw(self) -> None:
        canv = self.canv
        canv._ar_letter = self.index
        canv._ar_head = (self.letter, self.rendered)
        canv._ar_first = True
        canv._ar_page_labels[self.index] = self.rendered.meta.get("page", "{page} / {pages}")


class _NumberedCanvas(Canvas):
    """Keeps each page until the end, then writes "page n of m" counted per letter."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._ar_pages: list[dict] = []
        self._ar_page_labels: dict[int, str] = {}
        self._ar_letter = 0
        self._ar_first = False

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._ar_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        counts = Counter(state["_ar_letter"] for state in self._ar_pages)
        seen: Counter = Counter()
        for state in self._ar_pages:
            self.__dict__.update(state)
            letter = state["_ar_letter"]
            seen[letter] += 1
            label = self._ar_page_labels.get(letter, "{page} / {pages}")
            text = label.replace("{page}", str(seen[letter])).replace("{pages}", str(counts[letter]))
            self.setFont(FONT, 8)
            self.setFillColor(GREY)
            self.drawRightString(WIDTH - RIGHT, BOTTOM - 6 * mm, winansi(text))
            super().showPage()
        super().save()


def _first_page(canv: Canvas, _doc) -> None:
    letter, rendered = canv._ar_head
    if canv._ar_first:
        _letterhead(canv, letter)
        _address(canv, letter)
        _reference_block(canv, letter, rendered)
        _fold_marks(canv)
        canv._ar_first = False
    _footer(canv, letter)


def _later_page(canv: Canvas, _doc) -> None:
    """A following page: which letter it continues (sender, customer number, reference, date)."""
    letter, rendered = canv._ar_head
    ctx, labels = letter.context, rendered.meta
    values = {
        "customer_no": str(ctx["customer"]["customer_id"]),
        "reference": str(ctx["reference"]),
        "date": format_date(ctx["letter_date"], letter.language),
    }
    parts = [ctx["letterhead"].get("company_name") or ""]
    parts += [f"{labels[k].rstrip(' :')} {v}" for k, v in values.items() if labels.get(k)]
    canv.setFont(FONT, 7.5)
    canv.setFillColor(GREY)
    canv.drawString(LEFT, HEIGHT - 15 * mm, winansi(" · ".join(p for p in parts if p))[:150])
    _footer(canv, letter)


def _letterhead(canv: Canvas, letter: Letter) -> None:
    head = letter.context["letterhead"]
    y = HEIGHT - 18 * mm
    if head.get("company_name"):
        canv.setFont(BOLD, 14)
        canv.setFillColor(colors.black)
        canv.drawRightString(WIDTH - RIGHT, y, winansi(head["company_name"]))
        y -= 5 * mm
    canv.setFont(FONT, 8.5)
    canv.setFillColor(GREY)
    for line in _lines(head.get("address")):
        canv.drawRightString(WIDTH - RIGHT, y, winansi(line))
        y -= 3.8 * mm


def _address(canv: Canvas, letter: Letter) -> None:
    """The window: the sender in one small line, then the customer's postal address."""
    head, customer = letter.context["letterhead"], letter.context["customer"]
    x, top = LEFT + 5 * mm, HEIGHT - 45 * mm
    sender = " · ".join(p for p in [head.get("company_name") or "", *_lines(head.get("address"))] if p)
    canv.setFont(FONT, 6.5)
    canv.setFillColor(GREY)
    canv.drawString(x, top - 4 * mm, winansi(sender)[:110])
    canv.setFillColor(colors.black)
    canv.setFont(FONT, 10)
    y = top - 12 * mm
    postcode_city = " ".join(p for p in (customer.get("postcode"), customer.get("city")) if p)
    lines = [
        customer.get("name") or customer["customer_id"],
        customer.get("contact_name"),
        customer.get("street"),
    ]
    lines += [postcode_city, _country_line(letter)]
    for line in (str(v) for v in lines if v):
        canv.drawString(x, y, winansi(line)[:60])
        y -= 4.4 * mm


def _country_line(letter: Letter) -> str:
    """The country in capitals for mail abroad (the sender's country read from its VAT id)."""
    country = str(letter.context["customer"].get("country") or "").upper()
    home = str(letter.context["letterhead"].get("vat_id") or "")[:2].upper()
    if not country or country == home or not home:
        return ""
    name = Locale.parse(locale_of(letter.language)).territories.get(country, country)
    return name.upper()


def _reference_block(canv: Canvas, letter: Letter, rendered: Rendered) -> None:
    ctx, labels = letter.context, rendered.meta
    values = {
        "date": format_date(ctx["letter_date"], letter.language),
        "reference": str(ctx["reference"]),
        "customer_no": str(ctx["customer"]["customer_id"]),
    }
    x, y = 125 * mm, HEIGHT - 50 * mm
    for key in ("customer_no", "reference", "date"):
        label = labels.get(key)
        if not label:
            continue
        canv.setFont(FONT, 7.5)
        canv.setFillColor(GREY)
        canv.drawString(x, y, winansi(label.rstrip(" :")))
        canv.setFont(FONT, 10)
        canv.setFillColor(colors.black)
        canv.drawString(x, y - 4 * mm, winansi(values[key])[:45])
        y -= 10 * mm


def _fold_marks(canv: Canvas) -> None:
    canv.setStrokeColor(GREY)
    canv.setLineWidth(0.3)
    for y, length in (
        (HEIGHT - 105 * mm, 5 * mm),
        (HEIGHT - 148.5 * mm, 7 * mm),
        (HEIGHT - 210 * mm, 5 * mm),
    ):
        canv.line(4 * mm, y, 4 * mm + length, y)


def _footer(canv: Canvas, letter: Letter) -> None:
    """Three small columns: sender and address; phone, e-mail and VAT id; bank details."""
    head = letter.context["letterhead"]
    labels = statement_labels(letter.language)["letterhead"]
    columns = [
        [head.get("company_name") or "", *_lines(head.get("address"))],
        [labels[f].format(value=head[f]) for f in ("phone", "email", "vat_id") if head.get(f)],
        [labels[f].format(value=head[f]) for f in ("bank_name", "iban", "bic") if head.get(f)],
    ]
    canv.setStrokeColor(GREY)
    canv.setLineWidth(0.3)
    canv.line(LEFT, BOTTOM - 9 * mm, WIDTH - RIGHT, BOTTOM - 9 * mm)
    width = (WIDTH - LEFT - RIGHT) / 3
    for i, lines in enumerate(columns):
        text = "<br/>".join(escape(winansi(line)) for line in lines if line)
        if not text:
            continue
        para = Paragraph(text, SMALL)
        _w, h = para.wrap(width - 3 * mm, 25 * mm)
        para.drawOn(canv, LEFT + i * width, BOTTOM - 10.5 * mm - h)


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]
