"""Check digits: IBAN (ISO 13616), creditor reference (ISO 11649), Dutch payment reference."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ar_core.ingest.bank import iban_valid, nl_payment_reference_valid, normalise_iban, rf_reference_valid
from ar_core.ingest.bank.checks import IBAN_LENGTHS, iban_check_digits, rf_check_digits


def test_normalise_iban():
    assert normalise_iban(" de89 3704 0044\u00a00532 0130 00 ") == "DE89370400440532013000"
    assert normalise_iban("IBAN: NL91 ABNA 0417 1643 00") == "NL91ABNA0417164300"
    assert normalise_iban(None) == ""


@pytest.mark.parametrize(
    "iban",
    [
        "DE89 3704 0044 0532 0130 00",
        "NL91ABNA0417164300",
        "BE68539007547034",
        "AT611904300234573201",
        "FR1420041010050500013M02606",
        "CH9300762011623852957",
        "GB29NWBK60161331926819",
        "LU280019400644750000",
        "NO9386011117947",  # 15, not in the "must" list but in the table
        "MU17BOMM0101101030300200000MUR",  # not in the table: 30 characters, 15–34 accepted
    ],
)
def test_valid_ibans(iban):
    assert iban_valid(iban)


@pytest.mark.parametrize(
    "iban",
    [
        "DE88370400440532013000",  # check digits off by one
        "DE8937040044053201300",  # 21 characters: DE needs 22
        "NL91ABNA04171643000",  # 19: NL needs 18
        "BE6853900754703",  # 15: BE needs 16
        "DE89370400440532O13000",  # letter O for zero: a different number, fails mod 97
        "XX00",  # far too short
        "DE00370400440532013000",
        "",
        "89DE370400440532013000",
        "QQ" + "1" * 40,  # over 34
    ],
)
def test_invalid_ibans(iban):
    assert not iban_valid(iban)


@settings(max_examples=100, deadline=None)
@given(
    country=st.sampled_from(sorted(IBAN_LENGTHS)),
    data=st.data(),
)
def test_generated_ibans_pass_and_any_single_digit_change_fails(country, data):
    length = IBAN_LENGTHS[country] - 4
    bban = data.draw(
        st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=length, max_size=length)
    )
    iban = country + iban_check_digits(country, bban) + bban
    assert iban_valid(iban)
    digits = [i for i, ch in enumerate(iban) if ch.isdigit()]
    position = data.draw(st.sampled_from(digits))
    other = data.draw(st.sampled_from([d for d in "0123456789" if d != iban[position]]))
    assert not iban_valid(iban[:position] + other + iban[position + 1 :])


@pytest.mark.parametrize(
    ("ref", "valid"),
    [
        ("RF18 5390 0754 7034", True),
        ("rf18539007547034", True),
        ("RF18 5390 0754 7043", False),  # two digits swapped
        ("RF17539007547034", False),
        ("RF00539007547034", False),
        ("RF18", False),
        ("RF18" + "1" * 22, False),  # 26 characters: at most 25
        ("DE18539007547034", False),
        ("", False),
    ],
)
def test_rf_reference(ref, valid):
    assert rf_reference_valid(ref) is valid


@settings(max_examples=50, deadline=None)
@given(body=st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=21))
def test_generated_rf_references_pass(body):
    assert rf_reference_valid("RF" + rf_check_digits(body) + body)


@pytest.mark.parametrize(
    ("ref", "valid"),
    [
        # sum over 067931951601240 from the right with 2,4,8,5,10,9,7,3,6,1,2,4,8,5,10 is 296;
        # 296 mod 11 = 10, 11 - 10 = 1 = the first digit
        ("1067931951601240", True),
        ("1067 9319 5160 1240", True),
        ("2067931951601240", False),
        # last digit 0 -> 2 adds 2 x 2: 300 mod 11 = 3, C = 8 (0 -> 1 would give 298 -> C = 10 -> 1 again,
        # a change the 10 -> 1 rule cannot see)
        ("1067931951601242", False),
        ("1067931951601241", True),
        # 000000000000001: 1 x 2 = 2, 11 - 2 = 9
        ("9000000000000001", True),
        ("8000000000000001", False),
        # all zeros: sum 0, 11 - 0 = 11 -> 0
        ("0000000000000000", True),
        # 000000000000005: 5 x 2 = 10, 11 - 10 = 1
        ("1000000000000005", True),
        # 000000000000050: 5 x 4 = 20, 20 mod 11 = 9, 11 - 9 = 2
        ("2000000000000050", True),
        # 000000000000006: 6 x 2 = 12, 12 mod 11 = 1, 11 - 1 = 10 -> 1
        ("1000000000000006", True),
        ("0000000000000006", False),
        ("1234567", False),  # the older 7-digit form carries no check digit
        ("106793195160124", False),
        ("10679319516012a0", False),
        ("", False),
    ],
)
def test_nl_payment_reference(ref, valid):
    assert nl_payment_reference_valid(ref) is valid
