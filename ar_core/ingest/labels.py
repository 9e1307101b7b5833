"""FBL5N column labels (English, German, Dutch) and how a header text maps to a canonical column.

FBL5N layouts are user-defined: the same field appears with its short, medium or long label
depending on column width and export route, in the user's logon language, in any order. Labels
are compared after folding case, umlauts and punctuation away (``Amount in doc. curr.`` ==
``amount in doc curr``). Labels marked "unverified" in SAP-FBL5N.md are included because a wrong
extra label costs nothing while a missing one rejects a good file.
"""

from __future__ import annotations

import re
import unicodedata

#: canonical column -> language -> labels. ``terms_days`` and ``debit_credit`` feed derivations
#: (due date from baseline, sign from SHKZG) and are not item columns themselves.
LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "company_code": {
        "en": ("Company Code", "CoCd", "Comp. Code", "Company"),
        "de": ("Buchungskreis", "BuKr", "BuKrs", "BuKr."),
        "nl": ("Maatschappij", "Bedrijfscode"),
    },
    "customer_id": {
        "en": ("Account", "Customer", "Customer Number", "Customer No.", "Customer Account", "Acct"),
        "de": ("Konto", "Kunde", "Kundennummer", "Debitor", "Debitorennummer"),
        "nl": ("Rekening", "Debiteur", "Debiteurnummer", "Klant", "Klantnummer"),
    },
    "customer_name": {
        "en": ("Name", "Name 1", "Customer Name", "Account Name"),
        "de": ("Name 1", "Name", "Kundenname"),
        "nl": ("Naam", "Naam 1", "Klantnaam"),
    },
    "doc_no": {
        "en": ("Document Number", "DocumentNo", "Document No.", "Doc. No.", "Document", "Doc.no."),
        "de": ("Belegnummer", "Beleg", "Belegnr.", "Belegnr"),
        "nl": ("Documentnummer", "Factuurnummer", "Documentnr."),
    },
    "fiscal_year": {
        "en": ("Fiscal Year", "Year"),
        "de": ("Geschäftsjahr", "GJahr", "Jahr"),
        "nl": ("Boekjaar",),
    },
    "line_item": {
        "en": ("Line item", "Itm", "Item"),
        "de": ("Position", "Pos.", "Buchungszeile"),
        "nl": ("Regel", "Boekingsregel"),
    },
    "doc_type": {
        "en": ("Document Type", "Doc. Type", "Type"),
        "de": ("Belegart", "BA", "Art"),
        "nl": ("Boekingssoort", "Documentsoort"),
    },
    "doc_date": {
        "en": ("Document Date", "Doc. Date", "Doc Date"),
        "de": ("Belegdatum", "Belegdat.", "Beleg-Datum"),
        "nl": ("Documentdatum", "Factuurdatum"),
    },
    "posting_date": {
        "en": ("Posting Date", "Pstng Date", "Pstng date"),
        "de": ("Buchungsdatum", "Buch.dat.", "Buchungsdat."),
        "nl": ("Boekingsdatum",),
    },
    "baseline_date": {
        "en": ("Baseline Payment Dte", "Baseline Date", "Baseline Pmnt Date", "Bline Date"),
        "de": ("Basisdatum", "Basisdatum Fälligkeit", "Zahlungsbasisdatum"),
        "nl": ("Basisdatum",),
    },
    "due_date": {
        "en": ("Net due date", "Net Due Dt", "Due Date", "Net Due"),
        "de": (
            "Nettofälligkeit",
            "Nettofälligkeitsdatum",
            "Nettofälligkeitsdat.",
            "Fälligkeit",
            "Fälligkeitsdatum",
        ),
        "nl": ("Netto-vervaldatum", "Vervaldatum"),
    },
    "amount": {
        "en": (
            "Amount in local currency",
            "Amount in LC",
            "Amount in local cur.",
            "Amt in loc.cur.",
            "Amount LC",
        ),
        "de": ("Betrag in Hauswährung", "Betrag Hauswähr", "Betrag in HW", "Betrag HW", "Betrag Hauswährung"),
        "nl": ("Bedrag in lokale valuta", "Bedrag in LV"),
    },
    "currency": {
        "en": ("Local Currency", "Loc Curr", "LCurr", "Local Crcy", "Loc. curr."),
        "de": ("Hauswährung", "HWähr", "Hauswähr"),
        "nl": ("Lokale valuta",),
    },
    "amount_doc": {
        "en": ("Amount in doc. curr.", "Amount in document currency", "Amount in DC", "Amount"),
        "de": ("Betrag in Belegwährung", "Betrag in BW", "Betrag Belegwährung", "Betrag"),
        "nl": ("Bedrag in documentvaluta", "Bedrag"),
    },
    "doc_currency": {
        "en": ("Document currency", "Crcy", "Doc Curr", "Curr.", "Currency"),
        "de": ("Belegwährung", "Währung", "Währg"),
        "nl": ("Documentvaluta", "Valuta"),
    },
    "amount_reporting": {
        "en": ("Amount in loc.curr.2", "Amount in LC2", "Amount in reporting currency"),
        "de": ("Betrag in Hauswährung 2", "Betrag HW2", "Betrag in Berichtswährung"),
        "nl": ("Bedrag in rapportagevaluta",),
    },
    "clearing_date": {
        "en": ("Clearing date", "Clearing", "Clrng date"),
        "de": ("Ausgleichsdatum", "Ausgl.dat.", "Ausgleich"),
        "nl": ("Verrekeningsdatum", "Vereffeningsdatum"),
    },
    "clearing_doc": {
        "en": ("Clearing Document", "Clrng doc.", "Clearing doc."),
        "de": ("Ausgleichsbeleg", "Ausgl.beleg"),
        "nl": ("Verrekeningsdocument", "Vereffeningsdocument"),
    },
    "dunning_level": {
        "en": ("Dunning level", "Dunn.level", "DunnLevel", "Dunning Lvl"),
        "de": ("Mahnstufe", "Mahnst."),
        "nl": ("Aanmaningsniveau",),
    },
    "disputed": {
        "en": ("Disputed", "Dispute", "In dispute"),
        "de": ("Streitfall", "Strittig"),
        "nl": ("Betwist", "Geschil"),
    },
    "dispute_reason": {
        "en": ("Dispute reason", "Dispute reason code", "Reason code"),
        "de": ("Klärungsgrund", "Streitfallgrund"),
        "nl": ("Reden geschil",),
    },
    #: SAP Dispute Management (FSCM): the dispute case an item is assigned to.
    "dispute_case": {
        "en": ("Dispute Case", "Dispute Case ID", "Case ID"),
        "de": ("Klärungsfall", "Klärungsfall-ID", "Fall-ID"),
        "nl": ("Geschilgeval", "Dispuutgeval", "Geschil-ID"),
    },
    "reference": {"en": ("Reference", "Ref."), "de": ("Referenz",), "nl": ("Referentie",)},
    "assignment": {"en": ("Assignment",), "de": ("Zuordnung",), "nl": ("Toewijzing",)},
    "text": {"en": ("Text", "Item Text"), "de": ("Text", "Positionstext"), "nl": ("Tekst",)},
    "collector": {
        "en": ("Accounting clerk", "Acct clerk", "Clerk", "Collector"),
        "de": ("Sachbearbeiter", "Sachb.", "Buchhalter"),
        "nl": ("Boekhouder", "Incasseerder"),
    },
    "country": {"en": ("Country", "Ctry"), "de": ("Land",), "nl": ("Land",)},
    "terms_days": {
        "en": ("Terms of payment days", "Net payment days", "Days net"),
        "de": ("Zahlungsziel Tage", "Tage netto"),
        "nl": ("Betalingstermijn dagen",),
    },
    "debit_credit": {
        "en": ("Debit/Credit ind", "Debit/Credit indicator", "D/C"),
        "de": ("Soll/Haben-Kennz.", "Soll/Haben-Kennzeichen", "S/H"),
        "nl": ("Debet/credit",),
    },
}

#: Columns the ingest understands beyond the item schema (inputs to derivations only).
EXTRA_COLUMNS: tuple[str, ...] = ("terms_days", "debit_credit")

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(label: str) -> str:
    """Fold a header text for comparison: case, umlauts, whitespace and punctuation removed."""
    text = unicodedata.normalize("NFKC", label).casefold().translate(_UMLAUTS)
    return _NOT_ALNUM.sub("", text)


def _index() -> dict[str, tuple[str, frozenset[str]]]:
    index: dict[str, tuple[str, set[str]]] = {}
    for canonical, by_language in LABELS.items():
        for language, labels in by_language.items():
            for label in labels:
                key = fold(label)
                known = index.setdefault(key, (canonical, set()))
                if known[0] != canonical:  # pragma: no cover - guarded by a test
                    raise ValueError(f"label {label!r} maps to {known[0]} and {canonical}")
                known[1].add(language)
    return {k: (c, frozenset(langs)) for k, (c, langs) in index.items()}


#: folded label -> (canonical column, languages it is a label in)
LABEL_INDEX = _index()


def match_headers(headers: list[str]) -> tuple[dict[str, int], list[tuple[int, str]], str]:
    """Map header texts to canonical columns.

    Returns ``(canonical -> position, [(position, canonical)] of later duplicates, language)``.
    The first column carrying a field wins; language is the one most labels belong to (``en`` on
    a tie, since English labels are shared most).
    """
    found: dict[str, int] = {}
    duplicates: list[tuple[int, str]] = []
    votes = {"en": 0, "de": 0, "nl": 0}
    for position, header in enumerate(headers):
        hit = LABEL_INDEX.get(fold(header)) if header else None
        if hit is None:
            continue
        canonical, languages = hit
        for language in languages:
            votes[language] += 1
        if canonical in found:
            duplicates.append((position, canonical))
        else:
            found[canonical] = position
    language = max(votes, key=lambda k: (votes[k], k == "en"))
    return found, duplicates, language


def header_score(cells: list[str]) -> int:
    """How much a line looks like an FBL5N header: number of distinct canonical columns it names."""
    return len({hit[0] for c in cells if c and (hit := LABEL_INDEX.get(fold(c)))})


LANGUAGE_NAMES = {"en": "English", "de": "German", "nl": "Dutch"}
