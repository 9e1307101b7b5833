"""The reconciliation statement: our balance, theirs, and every cent of the difference explained.

What the collector sends back to a customer who returned a balance confirmation or an open-items
list: a summary sheet (letterhead, both balances, the difference and the lists that explain it)
and one sheet per list (matched, only ours, only theirs, amount differences), each with its
total. Written like the statement of account (``ar_core.ledger.account.statement_xlsx``): same
letterhead and languages (de, nl, en, fr, the customer's by default), typed money and date
cells, every text through :func:`ar_core.spreadsheet.write_row` (no formula injection).
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from ar_core.credit.reconcile import Reconciliation
from ar_core.errors import ArDeskError
from ar_core.ledger import (
    LOCALES,
    bank_lines,
    statement_labels,
    statement_language,
    write_heading,
)
from ar_core.spreadsheet import new_workbook, write_row

#: Labels per language. Kept beside the code (not in templates/) while the page is new; the
#: letterhead and bank lines reuse the statement of account's labels (templates/statement.yaml).
LABELS: dict[str, dict] = {
    "de": {
        "sheets": ["Übersicht", "Abgestimmt", "Nur bei uns", "Nur bei Ihnen", "Differenzen"],
        "title": "Kontenabstimmung {customer}",
        "subtitle": "Abstimmung Ihrer Saldenbestätigung zum {as_of}",
        "customer_no": "Kundennummer",
        "currency": "Währung",
        "our_balance": "Saldo laut unserer Buchhaltung",
        "their_balance": "Saldo laut Ihrer Aufstellung",
        "difference": "Differenz (unser Saldo − Ihr Saldo)",
        "explained_by": "Die Differenz erklärt sich aus:",
        "only_ours": "Posten nur bei uns offen",
        "only_theirs": "Posten nur in Ihrer Aufstellung (abgezogen)",
        "differences": "Betragsdifferenzen abgestimmter Belege",
        "explained": "Erklärte Differenz",
        "unexplained": "Nicht erklärte Differenz",
        "total": "Summe",
        "none": "Keine Posten.",
        "matched_columns": [
            "Abgestimmt über",
            "Unser Beleg",
            "Belegart",
            "Belegdatum",
            "Referenz",
            "Unser Betrag",
            "Ihre Referenz",
            "Ihr Datum",
            "Ihr Betrag",
            "Differenz",
            "Währung",
        ],
        "ours_columns": [
            "Beleg",
            "Belegart",
            "Belegdatum",
            "Fällig am",
            "Referenz",
            "Betrag",
            "Währung",
            "Hinweis",
        ],
        "theirs_columns": [
            "Ihre Referenz",
            "Datum",
            "Betrag",
            "Währung",
            "Text",
            "Hinweis",
            "Zeile Ihrer Liste",
        ],
        "match": {"document": "Belegnummer", "reference": "Referenz", "amount and date": "Betrag und Datum"},
        "reasons": {
            "invoice_not_booked": "Rechnung fehlt bei Ihnen: Kopie anbei",
            "credit_not_booked": "Gutschrift bei Ihnen nicht gebucht",
            "payment_not_applied": "Zahlung bei uns noch nicht zugeordnet",
            "credit_expected": "Von Ihnen erwartete Gutschrift",
            "not_open_with_us": "Bei uns nicht offen",
        },
        "note": "Bitte prüfen Sie die Posten und teilen Sie uns Abweichungen mit.",
        "bank_intro": "Unsere Bankverbindung",
    },
    "nl": {
        "sheets": ["Overzicht", "Afgestemd", "Alleen bij ons", "Alleen bij u", "Verschillen"],
        "title": "Saldoaansluiting {customer}",
        "subtitle": "Aansluiting van uw saldobevestiging per {as_of}",
        "customer_no": "Klantnummer",
        "currency": "Valuta",
        "our_balance": "Saldo volgens onze administratie",
        "their_balance": "Saldo volgens uw overzicht",
        "difference": "Verschil (ons saldo − uw saldo)",
        "explained_by": "Het verschil bestaat uit:",
        "only_ours": "Posten alleen bij ons open",
        "only_theirs": "Posten alleen in uw overzicht (afgetrokken)",
        "differences": "Bedragsverschillen op afgestemde documenten",
        "explained": "Verklaard verschil",
        "unexplained": "Onverklaard verschil",
        "total": "Totaal",
        "none": "Geen posten.",
        "matched_columns": [
            "Afgestemd op",
            "Ons document",
            "Soort",
            "Documentdatum",
            "Referentie",
            "Ons bedrag",
            "Uw referentie",
            "Uw datum",
            "Uw bedrag",
            "Verschil",
            "Valuta",
        ],
        "ours_columns": [
            "Document",
            "Soort",
            "Documentdatum",
            "Vervaldatum",
            "Referentie",
            "Bedrag",
            "Valuta",
            "Opmerking",
        ],
        "theirs_columns": [
            "Uw referentie",
            "Datum",
            "Bedrag",
            "Valuta",
            "Omschrijving",
            "Opmerking",
            "Regel in uw lijst",
        ],
        "match": {
            "document": "Documentnummer",
            "reference": "Referentie",
            "amount and date": "Bedrag en datum",
        },
        "reasons": {
            "invoice_not_booked": "Factuur ontbreekt bij u: kopie bijgevoegd",
            "credit_not_booked": "Creditnota bij u niet geboekt",
            "payment_not_applied": "Betaling bij ons nog niet verwerkt",
            "credit_expected": "Door u verwachte creditnota",
            "not_open_with_us": "Bij ons niet open",
        },
        "note": "Controleer de posten en laat ons eventuele verschillen weten.",
        "bank_intro": "Onze bankgegevens",
    },
    "en": {
        "sheets": ["Summary", "Matched", "Only ours", "Only yours", "Differences"],
        "title": "Account reconciliation {customer}",
        "subtitle": "Reconciliation of your balance confirmation as of {as_of}",
        "customer_no": "Customer number",
        "currency": "Currency",
        "our_balance": "Balance in our books",
        "their_balance": "Balance in your list",
        "difference": "Difference (our balance − your balance)",
        "explained_by": "The difference is explained by:",
        "only_ours": "Items open only in our books",
        "only_theirs": "Items only in your list (deducted)",
        "differences": "Amount differences on matched documents",
        "explained": "Explained difference",
        "unexplained": "Unexplained difference",
        "total": "Total",
        "none": "No items.",
        "matched_columns": [
            "Matched by",
            "Our document",
            "Type",
            "Document date",
            "Reference",
            "Our amount",
            "Your reference",
            "Your date",
            "Your amount",
            "Difference",
            "Currency",
        ],
        "ours_columns": [
            "Document",
            "Type",
            "Document date",
            "Due date",
            "Reference",
            "Amount",
            "Currency",
            "Note",
        ],
        "theirs_columns": [
            "Your reference",
            "Date",
            "Amount",
            "Currency",
            "Text",
            "Note",
            "Row in your list",
        ],
        "match": {
            "document": "Document number",
            "reference": "Reference",
            "amount and date": "Amount and date",
        },
        "reasons": {
            "invoice_not_booked": "Invoice missing in your books: copy enclosed",
            "credit_not_booked": "Credit note not booked by you",
            "payment_not_applied": "Payment not yet applied by us",
            "credit_expected": "Credit note you expect",
            "not_open_with_us": "Not open in our books",
        },
        "note": "Please check the items and let us know of any differences.",
        "bank_intro": "Our bank details",
    },
    "fr": {
        "sheets": ["Synthèse", "Rapprochés", "Chez nous seulement", "Chez vous seulement", "Écarts"],
        "title": "Rapprochement de compte {customer}",
        "subtitle": "Rapprochement de votre confirmation de solde au {as_of}",
        "customer_no": "Numéro client",
        "currency": "Devise",
        "our_balance": "Solde selon notre comptabilité",
        "their_balance": "Solde selon votre relevé",
        "difference": "Écart (notre solde − votre solde)",
        "explained_by": "L'écart s'explique par :",
        "only_ours": "Postes ouverts chez nous seulement",
        "only_theirs": "Postes dans votre relevé seulement (déduits)",
        "differences": "Écarts de montant sur documents rapprochés",
        "explained": "Écart expliqué",
        "unexplained": "Écart non expliqué",
        "total": "Total",
        "none": "Aucun poste.",
        "matched_columns": [
            "Rapproché par",
            "Notre document",
            "Type",
            "Date du document",
            "Référence",
            "Notre montant",
            "Votre référence",
            "Votre date",
            "Votre montant",
            "Écart",
            "Devise",
        ],
        "ours_columns": [
            "Document",
            "Type",
            "Date du document",
            "Échéance",
            "Référence",
            "Montant",
            "Devise",
            "Remarque",
        ],
        "theirs_columns": [
            "Votre référence",
            "Date",
            "Montant",
            "Devise",
            "Libellé",
            "Remarque",
            "Ligne de votre relevé",
        ],
        "match": {
            "document": "Numéro de document",
            "reference": "Référence",
            "amount and date": "Montant et date",
        },
        "reasons": {
            "invoice_not_booked": "Facture absente chez vous : copie jointe",
            "credit_not_booked": "Avoir non comptabilisé chez vous",
            "payment_not_applied": "Paiement pas encore affecté chez nous",
            "credit_expected": "Avoir que vous attendez",
            "not_open_with_us": "Non ouvert chez nous",
        },
        "note": "Merci de vérifier les postes et de nous signaler tout écart.",
        "bank_intro": "Nos coordonnées bancaires",
    },
}


def reconciliation_labels(language: str) -> dict:
    """Labels of the reconciliation statement in ``language`` (English when unknown)."""
    return LABELS.get((language or "en").lower(), LABELS["en"])


def _total(frame, column: str) -> Decimal:
    return Decimal(frame[column].sum() or 0).quantize(Decimal("0.01"))


def reconciliation_xlsx(
    rec: Reconciliation,
    customer: dict,
    as_of: date | None = None,
    *,
    language: str | None = None,
    letterhead: dict | None = None,
) -> bytes:
    """The reconciliation statement of ``rec`` for ``customer`` as an XLSX workbook.

    Five sheets: summary (our balance, their balance, difference, then only ours, only theirs
    deducted, amount differences and the explained and unexplained difference, which add up to
    the difference), matched, only ours, only theirs, differences — each list with its total.
    ``as_of`` defaults to the reconciliation's; ``language`` (de, nl, en, fr) to the customer's.
    """
    language = statement_language(customer) if language is None else language.strip().lower()
    if language not in LOCALES:
        raise ArDeskError(f"no statement in {language!r}: choose one of {', '.join(LOCALES)}")
    labels = reconciliation_labels(language)
    head_labels = statement_labels(language)  # letterhead and bank lines, as on the statement of account
    letterhead = letterhead or {}
    as_of = as_of or rec.as_of
    currency = rec.currency or ""
    out = io.BytesIO()
    book = new_workbook(out)
    formats = {
        "bold": book.add_format({"bold": True}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "money": book.add_format({"num_format": "#,##0.00"}),
        "money_bold": book.add_format({"num_format": "#,##0.00", "bold": True, "top": 1}),
        "day": book.add_format({"num_format": "dd.mm.yyyy"}),
    }
    names = [name[:31] for name in labels["sheets"]]
    summary = book.add_worksheet(names[0])
    r = _heading(summary, customer, as_of, language, labels, head_labels, letterhead, formats)
    _summary(summary, r, rec, currency, labels, head_labels, letterhead, formats)
    _matched_sheet(book.add_worksheet(names[1]), rec.matched, labels, formats)
    _ours_sheet(book.add_worksheet(names[2]), rec, labels, formats)
    _theirs_sheet(book.add_worksheet(names[3]), rec, labels, formats)
    _matched_sheet(book.add_worksheet(names[4]), rec.differences, labels, formats)
    book.close()
    return out.getvalue()


def _heading(sheet, customer, as_of, language, labels, head_labels, letterhead, formats) -> int:  # noqa: PLR0917
    """Letterhead, title, as-of date and customer number, as on the statement of account."""
    return write_heading(sheet, customer, as_of, language, labels, letterhead, formats, head_labels)


def _money_line(sheet, r, label, value: Decimal, currency, formats, *, bold=False) -> None:  # noqa: PLR0917
    write_row(sheet, r, [label], formats["bold"] if bold else None)
    sheet.write_number(r, 1, float(value), formats["money_bold" if bold else "money"])  # xlsx stores doubles
    write_row(sheet, r, [None, None, currency])


def _summary(sheet, r, rec, currency, labels, head_labels, letterhead, formats) -> None:  # noqa: PLR0917
    """Both balances and the difference, then the lines that explain it (they add up to it)."""
    write_row(sheet, r, [None, None, labels["currency"]], formats["bold"])
    _money_line(sheet, r + 1, labels["our_balance"], rec.our_balance, currency, formats)
    _money_line(sheet, r + 2, labels["their_balance"], rec.their_balance, currency, formats)
    _money_line(sheet, r + 3, labels["difference"], rec.difference, currency, formats, bold=True)
    write_row(sheet, r + 5, [labels["explained_by"]], formats["bold"])
    amount_differences = _total(rec.matched, "difference") + _total(rec.differences, "difference")
    lines = [
        (labels["only_ours"], _total(rec.only_ours, "amount")),
        (labels["only_theirs"], -_total(rec.only_theirs, "amount")),
        (labels["differences"], amount_differences),
    ]
    for i, (label, value) in enumerate(lines):
        _money_line(sheet, r + 6 + i, label, value, currency, formats)
    _money_line(sheet, r + 9, labels["explained"], rec.explained, currency, formats, bold=True)
    _money_line(sheet, r + 10, labels["unexplained"], rec.unexplained, currency, formats)
    write_row(sheet, r + 12, [labels["note"]])
    bank = bank_lines(letterhead, head_labels)
    if bank:
        write_row(sheet, r + 14, [labels["bank_intro"]], formats["bold"])
        for i, line in enumerate(bank):
            write_row(sheet, r + 15 + i, [line])
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, 1, 16)


def _day(sheet, r, c, value, formats) -> None:
    if value is not None:
        sheet.write_datetime(r, c, value, formats["day"])


def _amount(sheet, r, c, value, formats) -> None:
    if value is not None:
        sheet.write_number(r, c, float(value), formats["money"])


def _total_row(sheet, r, labels, formats, sums: dict[int, Decimal]) -> None:
    write_row(sheet, r, [labels["total"]], formats["bold"])
    for c, value in sums.items():
        sheet.write_number(r, c, float(value), formats["money_bold"])


def _matched_sheet(sheet, frame, labels, formats) -> None:
    """Ours and theirs side by side (matched, or differences): columns of ``matched_columns``."""
    write_row(sheet, 0, labels["matched_columns"], formats["bold"])
    if frame.is_empty():
        write_row(sheet, 1, [labels["none"]])
        return
    r = 1
    for row in frame.iter_rows(named=True):
        how = labels["match"].get(row["match"], row["match"])
        write_row(sheet, r, [how, row["doc_no"], row["doc_type"], None, row["reference"]])
        _day(sheet, r, 3, row["doc_date"], formats)
        _amount(sheet, r, 5, row["our_amount"], formats)
        write_row(sheet, r, [None] * 6 + [row["their_reference"]])
        _day(sheet, r, 7, row["their_date"], formats)
        _amount(sheet, r, 8, row["their_amount"], formats)
        _amount(sheet, r, 9, row["difference"], formats)
        write_row(sheet, r, [None] * 10 + [row["currency"]])
        r += 1
    sums = {5: _total(frame, "our_amount"), 8: _total(frame, "their_amount"), 9: _total(frame, "difference")}
    _total_row(sheet, r, labels, formats, sums)
    sheet.set_column(0, 10, 14)


def _ours_sheet(sheet, rec, labels, formats) -> None:
    frame = rec.only_ours
    write_row(sheet, 0, labels["ours_columns"], formats["bold"])
    if frame.is_empty():
        write_row(sheet, 1, [labels["none"]])
        return
    r = 1
    for row in frame.iter_rows(named=True):
        write_row(sheet, r, [row["doc_no"], row["doc_type"], None, None, row["reference"]])
        _day(sheet, r, 2, row["doc_date"], formats)
        _day(sheet, r, 3, row["due_date"], formats)
        _amount(sheet, r, 5, row["amount"], formats)
        reason = labels["reasons"].get(row["reason"], row["reason"])
        write_row(sheet, r, [None] * 6 + [row["currency"], reason])
        r += 1
    _total_row(sheet, r, labels, formats, {5: _total(frame, "amount")})
    sheet.set_column(0, 6, 14)
    sheet.set_column(7, 7, 40)


def _theirs_sheet(sheet, rec, labels, formats) -> None:
    frame = rec.only_theirs
    write_row(sheet, 0, labels["theirs_columns"], formats["bold"])
    if frame.is_empty():
        write_row(sheet, 1, [labels["none"]])
        return
    r = 1
    for row in frame.iter_rows(named=True):
        write_row(sheet, r, [row["their_reference"]])
        _day(sheet, r, 1, row["doc_date"], formats)
        _amount(sheet, r, 2, row["amount"], formats)
        reason = labels["reasons"].get(row["reason"], row["reason"])
        write_row(sheet, r, [None] * 3 + [row["currency"], row["text"], reason, row["source_row"]])
        r += 1
    _total_row(sheet, r, labels, formats, {2: _total(frame, "amount")})
    sheet.set_column(0, 4, 14)
    sheet.set_column(5, 5, 40)
