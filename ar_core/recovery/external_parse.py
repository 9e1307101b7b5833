"""Reading files of external credit information and matching announcements to customers (pure).

Two kinds of CSV file (``;`` or ``,`` separated, UTF-8, a header row; column names are matched
case-insensitively, German and Dutch headers accepted):

- **ratings** from a credit agency: customer number, date, score, rating, recommended limit and
  currency, and the agency (a column or the name given at import);
- **announcements** of insolvency courts: court, case number, debtor name, street, postcode, city,
  date and type (pre-bankruptcy, restructuring, receivership, bankruptcy or their usual words).

Each problem names file, row (the physical line) and column; a file with any problem is rejected
whole. Announcements are matched to customers by their *normalised* name (case, umlauts and
accents, punctuation and legal-form words such as GmbH, B.V., AG, KG, Ltd do not count) and postcode.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ar_core.money import parse_amount

MAX_ROWS = 50_000
MAX_BYTES = 20_000_000
#: Words that say what legal form a company has, not who it is.
LEGAL_FORMS = frozenset({
    "gmbh", "mbh", "ag", "kg", "kgaa", "ohg", "gbr", "ug", "haftungsbeschraenkt", "ek", "ev", "se", "co",
    "cokg", "bv", "nv", "vof", "cv", "holding", "ltd", "limited", "plc", "llc", "inc", "corp", "sa", "sas",
    "sarl", "sprl", "bvba", "srl", "spa", "gesmbh",
})  # fmt: skip
#: announcement type words -> insolvency status
ANNOUNCEMENT_TYPES: dict[str, str] = {
    "pre_bankruptcy": "pre_bankruptcy", "pre-bankruptcy": "pre_bankruptcy", "whoa": "pre_bankruptcy",
    "starug": "pre_bankruptcy", "restructuring": "restructuring", "sanierung": "restructuring",
    "eigenverwaltung": "restructuring", "schutzschirm": "restructuring", "akkoord": "restructuring",
    "receivership": "receivership", "surseance": "receivership", "surseance van betaling": "receivership",
    "vorläufige insolvenzverwaltung": "receivership", "vorlaeufige insolvenzverwaltung": "receivership",
    "bankruptcy": "bankruptcy", "faillissement": "bankruptcy", "insolvenzeröffnung": "bankruptcy",
    "eröffnung": "bankruptcy", "insolvenzverfahren eröffnet": "bankruptcy", "insolvency": "bankruptcy",
}  # fmt: skip

#: field -> accepted headers (lower case)
RATING_COLUMNS: dict[str, tuple[str, ...]] = {
    "customer_id": ("customer_id", "customer", "customer number", "kundennummer", "debitor", "klantnummer"),
    "rated_on": ("date", "rated_on", "rating date", "datum"),
    "score": ("score", "bonitätsindex", "bonitaetsindex", "index"),
    "rating": ("rating", "klasse", "risk class"),
    "limit": ("limit", "recommended limit", "kreditlimit", "limiet", "credit limit"),
    "currency": ("currency", "währung", "waehrung", "valuta"),
    "agency": ("agency", "auskunftei", "bureau", "source"),
}
ANNOUNCEMENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "court": ("court", "gericht", "rechtbank"),
    "case_number": ("case_number", "case number", "aktenzeichen", "zaaknummer", "insolventienummer"),
    "debtor_name": ("debtor_name", "debtor name", "debtor", "name", "schuldner", "naam"),
    "street": ("street", "address", "straße", "strasse", "adres", "straat"),
    "postcode": ("postcode", "postal code", "zip", "plz", "postleitzahl"),
    "city": ("city", "ort", "plaats", "town"),
    "announced_on": ("date", "announced_on", "datum", "publication date", "bekanntmachung"),
    "kind": ("type", "kind", "art", "soort"),
}
REQUIRED = {
    "ratings": ("customer_id", "rated_on"),
    "announcements": ("court", "case_number", "debtor_name", "announced_on", "kind"),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: ``row`` is the physical line (1 = the header), ``column`` the header
    as written; both None for the file as a whole."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = ", ".join(x for x in (self.file, self.row and f"row {self.row}", self.column) if x)
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ParsedFile:
    """The rows of a file (``dict`` per row with its line in ``row``) and its problems."""

    kind: str
    rows: list[dict]
    problems: list[Problem]


def normalise_name(name: str | None) -> str:
    """``Müller & Co. KG`` -> ``mueller``; ``Jansen Logistiek B.V.`` -> ``jansen logistiek``."""
    text = (name or "").lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.replace(".", "")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(w for w in words if w not in LEGAL_FORMS)


def normalise_postcode(postcode: str | None) -> str:
    """``1234 ab`` -> ``1234AB``; ``D-50667`` -> ``50667``."""
    text = re.sub(r"[\s-]", "", (postcode or "").upper())
    return re.sub(r"^[A-Z]{1,2}(?=\d)", "", text) if re.match(r"^[A-Z]{1,2}\d{4,5}$", text) else text


def parse_ratings(file_name: str, data: bytes, *, agency: str = "") -> ParsedFile:
    """Rows ``customer_id, rated_on, score, rating, limit (Decimal), currency, agency``."""
    table, problems = _table(file_name, data, RATING_COLUMNS, "ratings")
    rows = []
    for line, values, headers in table:
        row: dict = {"row": line, "customer_id": values.get("customer_id", "").strip()}
        row["rated_on"] = _date(values.get("rated_on"), file_name, line, headers["rated_on"], problems)
        score = values.get("score", "").strip()
        row["score"] = None
        if score:
            if re.fullmatch(r"-?\d{1,6}", score):
                row["score"] = int(score)
            else:
                problems.append(Problem(file_name, line, headers["score"], f"a whole number, not {score!r}"))
        row["rating"] = values.get("rating", "").strip()[:20] or None
        row["limit"] = _amount(values.get("limit"), file_name, line, headers.get("limit"), problems)
        currency = (values.get("currency", "").strip() or "EUR").upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            problems.append(Problem(file_name, line, headers["currency"], f"a currency, not {currency!r}"))
        row["currency"] = currency
        row["agency"] = (values.get("agency", "").strip() or agency.strip() or "unknown")[:80]
        if not row["customer_id"]:
            problems.append(Problem(file_name, line, headers["customer_id"], "the customer number is empty"))
        if row["score"] is None and row["rating"] is None and row["limit"] is None and not score:
            problems.append(Problem(file_name, line, None, "a rating row needs a score, a rating or a limit"))
        rows.append(row)
    return ParsedFile("ratings", rows, problems)


def parse_announcements(file_name: str, data: bytes) -> ParsedFile:
    """Rows ``court, case_number, debtor_name, street, postcode, city, announced_on, kind``."""
    table, problems = _table(file_name, data, ANNOUNCEMENT_COLUMNS, "announcements")
    rows = []
    for line, values, headers in table:
        row: dict = {"row": line}
        for field, limit in (("court", 200), ("case_number", 80), ("debtor_name", 200), ("street", 200),
                             ("postcode", 20), ("city", 120)):  # fmt: skip
            text = values.get(field, "").strip()
            if len(text) > limit:
                problems.append(Problem(file_name, line, headers[field], f"at most {limit} characters"))
            row[field] = text or None
        for field in ("court", "case_number", "debtor_name"):
            if row[field] is None:
                label = field.replace("_", " ")
                problems.append(Problem(file_name, line, headers[field], f"the {label} is empty"))
        row["announced_on"] = _date(values.get("announced_on"), file_name, line, headers["announced_on"],
                                    problems)  # fmt: skip
        kind = values.get("kind", "").strip()
        row["kind"] = ANNOUNCEMENT_TYPES.get(kind.lower())
        if row["kind"] is None:
            problems.append(Problem(file_name, line, headers["kind"], f"an unknown type {kind!r}: use "
                                    "pre-bankruptcy, restructuring, receivership or bankruptcy"))  # fmt: skip
        rows.append(row)
    return ParsedFile("announcements", rows, problems)


def match_customer(row: Mapping, customers: Iterable[Mapping]) -> tuple[str | None, str | None]:
    """``(customer_id, how)`` for an announcement: same normalised name and same postcode
    (``name and postcode``), or the same name where our record has no postcode (``name``)."""
    name = normalise_name(row.get("debtor_name"))
    postcode = normalise_postcode(row.get("postcode"))
    if not name:
        return None, None
    by_name = None
    for customer in sorted(customers, key=lambda c: str(c["customer_id"])):
        if normalise_name(customer.get("name")) != name:
            continue
        theirs = normalise_postcode(customer.get("postcode"))
        if theirs and postcode and theirs == postcode:
            return str(customer["customer_id"]), "name and postcode"
        if not theirs and by_name is None:
            by_name = str(customer["customer_id"])
    return (by_name, "name") if by_name else (None, None)


def _table(
    file_name: str, data: bytes, columns: Mapping[str, tuple[str, ...]], kind: str
) -> tuple[list[tuple[int, dict[str, str], dict[str, str | None]]], list[Problem]]:
    """``[(line, {field: text}, {field: header as written})]`` and the file-level problems."""
    problems: list[Problem] = []
    if len(data) > MAX_BYTES:
        return [], [Problem(file_name, None, None, "the file is larger than 20 MB")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return [], [Problem(file_name, None, None, "the file is not text (UTF-8 CSV)")]
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return [], [Problem(file_name, None, None, "the file is empty")]
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    where: dict[str, int] = {}
    for i, name in enumerate(header):
        for field, names in columns.items():
            if name.lower() in names and field not in where:
                where[field] = i
    missing = [f for f in REQUIRED[kind] if f not in where]
    if missing:
        wanted = ", ".join(columns[f][0] for f in missing)
        return [], [Problem(file_name, 1, None, f"missing column(s): {wanted}")]
    headers = {f: (header[where[f]] if f in where else columns[f][0]) for f in columns}
    out = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(out) >= MAX_ROWS:
            problems.append(Problem(file_name, line, None, f"more than {MAX_ROWS:,} rows"))
            break
        out.append((line, {f: (values[i] if i < len(values) else "") for f, i in where.items()}, headers))
    if not out:
        problems.append(Problem(file_name, None, None, "no rows below the header"))
    return out, problems


def _date(
    text: str | None, file_name: str, line: int, column: str | None, problems: list[Problem]
) -> date | None:
    value = (text or "").strip()
    german = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value)
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    try:
        if german:
            return date(int(german[3]), int(german[2]), int(german[1]))
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
    except ValueError:
        pass
    problems.append(Problem(file_name, line, column, f"a date as 31.12.2026 or 2026-12-31, not {value!r}"))
    return None


def _amount(
    text: str | None, file_name: str, line: int, column: str | None, problems: list[Problem]
) -> Decimal | None:
    value = (text or "").strip()
    if not value:
        return None
    amount = parse_amount(value)
    if amount is None or amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount >= 10**14:
        problems.append(Problem(file_name, line, column, f"an amount such as 25.000,00, not {value!r}"))
        return None
    return amount
