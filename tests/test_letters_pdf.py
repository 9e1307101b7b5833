"""Letters as PDF (read back with pypdf) and as e-mail drafts."""

from __future__ import annotations

import email
import io
from datetime import date, timedelta
from decimal import Decimal
from email import policy

import pypdf
import pytest

from ar_core.errors import InvalidInput
from ar_core.recovery import Letter, customer_pdfs, format_money, letter_eml, letters_pdf, render_text
from ar_core.recovery.pdf import winansi
from tests.letters_support import CUSTOMER, ITEMS, context


def pages_text(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().replace("\u00a0", " ").split()) for page in reader.pages]


@pytest.mark.parametrize("language", ["de", "nl", "en", "fr"])
def test_the_pdf_names_the_customer_and_the_locale_formatted_total(language):
    letter = Letter("dunning_2", language, context())
    pdf = letters_pdf([letter])
    assert pdf.startswith(b"%PDF-")
    (text,) = pages_text(pdf)
    assert "Müller & Söhne Bäckerei KG" in text
    assert format_money(Decimal("9692.34"), "EUR", language) in text
    assert "Nordwind Handels GmbH" in text and "DE89 3704 0044 0532 0130 00" in text
    assert "Lindenallee 7" in text and "50668 Köln" in text


def test_page_numbers_count_per_letter_and_each_letter_starts_a_page():
    many = [
        {**ITEMS[0], "doc_no": f"90{n:05d}", "due_date": date(2026, 10, 1) + timedelta(days=n % 30)}
        for n in range(70)
    ]
    long_letter = Letter("final_notice", "de", context(items=many))
    short_de = Letter("reminder", "de", context())
    short_fr = Letter("reminder", "fr", context())
    texts = pages_text(letters_pdf([short_de, long_letter, short_fr]))
    assert len(texts) >= 4
    assert "Seite 1 von 1" in texts[0] and texts[0].startswith("Zahlungserinnerung")
    pages = len(texts) - 2
    assert texts[1].startswith("Letzte Mahnung")
    for n, text in enumerate(texts[1:-1], start=1):
        assert f"Seite {n} von {pages}" in text
    assert "Page 1 sur 1" in texts[-1] and texts[-1].startswith("Rappel de paiement")
    # the address window only on a letter's first page
    assert "Lindenallee 7" in texts[1] and "Lindenallee 7" not in texts[2]
    # a following page says which letter it continues
    assert "Nordwind Handels GmbH · Kundennummer 100234 · Unser Zeichen DU-2026-12-02-100234" in texts[2]


def test_one_file_per_customer():
    other = {**CUSTOMER, "customer_id": "200/7", "name": "Van Dijk B.V.", "country": "NL"}
    letters = [
        Letter("reminder", "de", context()),
        Letter("dunning_2", "nl", context(customer=other)),
        Letter("statement", "de", context()),
    ]
    files = customer_pdfs(letters)
    assert sorted(files) == ["dunning_2-200_7-2026-12-02.pdf", "letters-100234-2026-12-02.pdf"]
    assert len(pages_text(files["letters-100234-2026-12-02.pdf"])) == 2
    assert "Van Dijk B.V." in pages_text(files["dunning_2-200_7-2026-12-02.pdf"])[0]


def test_characters_outside_winansi_are_mapped_not_dropped():
    assert winansi("1\u202f234,56\u00a0€") == "1\u00a0234,56\u00a0€"
    assert winansi("Łódź Spółka – «Ærø» œuvre \u2212 5 ≥ 3") == "Lódz Spólka – «Ærø» œuvre - 5 >= 3"
    assert winansi("東京") == "??"
    customer = {**CUSTOMER, "name": "Łódź Spółka <b>&</b>", "country": "PL"}
    (text,) = pages_text(letters_pdf([Letter("reminder", "en", context(customer=customer))]))
    assert "Lódz Spólka <b>&</b>" in text  # markup in data is printed, not interpreted
    assert "POLAND" in text  # mail abroad: the country in capitals


def test_no_letters_no_pdf():
    with pytest.raises(InvalidInput):
        letters_pdf([])


def test_the_eml_draft_is_unsent_in_the_customers_language_with_pdf_and_statement():
    letter = Letter("dunning_3", "nl", context())
    pdf = letters_pdf([letter])
    raw = letter_eml(
        letter,
        pdf,
        [("statement-100234.xlsx", b"PK\x03\x04", "application/vnd.ms-excel")],
        to="ap@mueller.example",
    )
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["X-Unsent"] == "1"
    assert message["Subject"] == "Ingebrekestelling"
    assert message["To"].addresses[0].addr_spec == "ap@mueller.example"
    assert message["From"].addresses[0].addr_spec == "debitoren@nordwind.example"
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == render_text(letter)
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert list(attachments) == ["dunning_3-100234-2026-12-02.pdf", "statement-100234.xlsx"]
    assert attachments["dunning_3-100234-2026-12-02.pdf"].get_content() == pdf
    assert b"\r\n" in raw


def test_the_eml_refuses_a_bad_address_and_keeps_headers_on_one_line():
    letter = Letter("reminder", "de", context())
    with pytest.raises(InvalidInput):
        letter_eml(letter, b"%PDF", to="nobody\nBcc: all@example.com")
    ctx = context(customer={**CUSTOMER, "contact_name": "Eve\r\nBcc: x@example.com"})
    raw = letter_eml(Letter("reminder", "de", ctx), b"%PDF", to="ap@example.com")
    assert b"\nBcc:" not in raw
