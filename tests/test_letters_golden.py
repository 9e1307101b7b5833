"""Every letter template in every language, rendered from one fixed context, against its golden file.

A changed wording shows as a diff of ``tests/golden/letters/<kind>.<lang>.txt``; after a reviewed
change, rewrite the files with ``AR_GOLDEN_UPDATE=1 pytest tests/test_letters_golden.py``.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from ar_core.recovery import LETTER_KINDS, LETTER_LANGUAGES, Letter, letter_subject, render_text
from tests.letters_support import context

GOLDEN = Path(__file__).parent / "golden" / "letters"
TEMPLATES = Path(__file__).resolve().parents[1] / "ar_core" / "templates" / "letters"


@pytest.mark.parametrize("language", LETTER_LANGUAGES)
@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_each_template_renders_its_golden_text(kind, language):
    text = render_text(Letter(kind, language, context()))
    golden = GOLDEN / f"{kind}.{language}.txt"
    if os.environ.get("AR_GOLDEN_UPDATE"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_there_is_one_template_per_kind_and_language_and_nothing_else():
    expected = {f"{k}.{lang}.j2" for k in LETTER_KINDS for lang in LETTER_LANGUAGES}
    assert {p.name for p in TEMPLATES.glob("*.j2")} == expected
    assert len(expected) == 32


@pytest.mark.parametrize(
    ("kind", "language", "greeting", "closing", "subject"),
    [
        ("reminder", "de", "Sehr geehrte Damen und Herren,", "Mit freundlichen Grüßen", "Zahlungserinnerung"),
        ("dunning_2", "de", "Sehr geehrte Damen und Herren,", "Mit freundlichen Grüßen", "1. Mahnung"),
        ("dunning_3", "de", "Sehr geehrte Damen und Herren,", "Mit freundlichen Grüßen", "2. Mahnung"),
        ("reminder", "nl", "Geachte heer/mevrouw,", "Met vriendelijke groet,", "Betalingsherinnering"),
        ("dunning_2", "nl", "Geachte heer/mevrouw,", "Met vriendelijke groet,", "Aanmaning"),
        ("dunning_3", "nl", "Geachte heer/mevrouw,", "Met vriendelijke groet,", "Ingebrekestelling"),
        ("reminder", "en", "Dear Sir or Madam,", "Yours faithfully,", "Payment reminder"),
        (
            "dunning_3",
            "fr",
            "Madame, Monsieur,",
            "Veuillez agréer, Madame, Monsieur,",
            "Mise en demeure de payer",
        ),
    ],
)
def test_the_customary_greeting_closing_and_subject_of_each_country(
    kind, language, greeting, closing, subject
):
    letter = Letter(kind, language, context())
    text = render_text(letter)
    assert greeting in text.splitlines()
    assert any(line.startswith(closing) for line in text.splitlines())
    assert letter_subject(letter) == subject
    assert text.splitlines()[0] == subject


def test_final_notices_name_the_handover_to_legal():
    assert "Rechtsanwalt" in letter_subject(Letter("final_notice", "de", context()))
    assert "advocaat" in letter_subject(Letter("final_notice", "nl", context()))
    assert "legal action" in letter_subject(Letter("final_notice", "en", context()))
    assert "poursuites judiciaires" in letter_subject(Letter("final_notice", "fr", context()))


def test_dutch_formal_notice_gives_the_fourteen_days_of_article_6_96_and_the_costs_as_an_amount():
    text = render_text(
        Letter("dunning_3", "nl", context(customer={**context()["customer"], "country": "NL"}))
    )
    assert "binnen veertien dagen na dagtekening van deze brief" in text
    assert "art. 6:96 BW" in text
    # 9.692,34 total less the 80,00 costs: what is demanded within the fourteen days
    assert "€ 9.612,34 (facturen en rente)" in text
    assert "buitengerechtelijke incassokosten van € 80,00" in text
    assert "uiterlijk op 16 december 2026, te voldoen" in text


def test_the_dutch_fourteen_days_hold_even_when_the_run_gives_fewer():
    ctx = context(pay_by=date(2026, 12, 12))  # a run paying within 10 days
    text = render_text(Letter("dunning_3", "nl", ctx))
    assert "uiterlijk op 16 december 2026, te voldoen" in text  # 2 December + 14 days


def test_interest_and_compensation_are_shown_as_amounts_in_every_dunning_letter():
    for language, interest, compensation in (
        ("de", "112,38 €", "80,00 €"),
        ("nl", "€ 112,38", "€ 80,00"),
        ("en", "€112.38", "€80.00"),
        ("fr", "112,38 €", "80,00 €"),
    ):
        for kind in ("reminder", "dunning_2", "dunning_3", "final_notice"):
            lines = render_text(Letter(kind, language, context())).splitlines()
            assert any(line.rstrip().endswith(interest) and "19," not in line for line in lines), (
                kind,
                language,
            )
            assert any(line.rstrip().endswith(compensation) for line in lines), (kind, language)


def test_german_law_is_cited_only_for_german_customers():
    german = render_text(Letter("dunning_2", "de", context()))
    swiss = render_text(
        Letter("dunning_2", "de", context(customer={**context()["customer"], "country": "CH"}))
    )
    assert "§ 288 Abs. 2 BGB" in german
    assert "BGB" not in swiss
