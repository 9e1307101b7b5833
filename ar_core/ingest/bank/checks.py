"""Check digits of a bank statement's identifiers: IBAN, ISO 11649 (RF) and Dutch payment references.

A failed check never drops a payment (real statements carry test IBANs and banks' own formats);
the readers record the result so matching can weigh an identifier by whether it can be trusted.
"""

from __future__ import annotations

import re

#: IBAN length per country (ISO 13616 registry); other countries are accepted at 15–34 characters.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24,
    "AT": 20,
    "BE": 16,
    "BG": 22,
    "CH": 21,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DK": 18,
    "EE": 20,
    "ES": 24,
    "FI": 18,
    "FR": 27,
    "GB": 22,
    "GR": 27,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IS": 26,
    "IT": 27,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "MC": 27,
    "MT": 31,
    "NL": 18,
    "NO": 15,
    "PL": 28,
    "PT": 25,
    "RO": 24,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
}
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$")
_RF_SHAPE = re.compile(r"^RF\d{2}[A-Z0-9]{1,21}$")
_SPACES = re.compile(r"\s+")
#: Dutch payment reference weights, applied from the rightmost digit leftwards.
_NL_WEIGHTS = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1)


def normalise_iban(text: str | None) -> str:
    """``text`` as an IBAN is compared: upper case, no spaces, no leading "IBAN" label.

    Statements print IBANs in blocks of four and users paste "IBAN: DE89 …"; the label can never
    be part of an IBAN ("IB" is no country), so dropping it is safe.
    """
    if text is None:
        return ""
    compact = _SPACES.sub("", str(text)).upper()
    if compact.startswith("IBAN"):
        compact = compact[4:].lstrip(":")
    return compact


def _mod97(alnum: str) -> int:
    """The ISO 7064 mod 97-10 remainder of an alphanumeric string (A=10 … Z=35)."""
    return int("".join(str(int(ch, 36)) for ch in alnum)) % 97


def iban_valid(text: str | None) -> bool:
    """Whether ``text`` is an IBAN of the right length for its country whose check digits hold."""
    iban = normalise_iban(text)
    if not _IBAN_SHAPE.match(iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    if not 2 <= int(iban[2:4]) <= 98:  # 00, 01 and 99 are never issued
        return False
    return _mod97(iban[4:] + iban[:4]) == 1


def rf_reference_valid(text: str | None) -> bool:
    """Whether ``text`` is an ISO 11649 creditor reference ("RF" + 2 check digits + up to 21 characters).

    Spaces are allowed (references are printed in blocks of four).
    """
    ref = _SPACES.sub("", text or "").upper()
    if not _RF_SHAPE.match(ref) or not 2 <= int(ref[2:4]) <= 98:
        return False
    return _mod97(ref[4:] + ref[:4]) == 1


def nl_payment_reference_valid(text: str | None) -> bool:
    """Whether ``text`` is a 16-digit Dutch payment reference ("betalingskenmerk") with a right check digit.

    The first digit checks the other fifteen (weights 2, 4, 8, 5, 10, 9, 7, 3, 6, 1 repeating from
    the right; C = 11 − sum mod 11, where 10 counts as 1 and 11 as 0). The older 7-digit form has
    no check digit and is reported as not valid, as is anything else.
    """
    ref = _SPACES.sub("", text or "")
    if len(ref) != 16 or not ref.isascii() or not ref.isdigit():
        return False
    total = sum(int(d) * _NL_WEIGHTS[i % 10] for i, d in enumerate(reversed(ref[1:])))
    check = 11 - total % 11
    check = {10: 1, 11: 0}.get(check, check)
    return int(ref[0]) == check


def iban_check_digits(country: str, bban: str) -> str:
    """The two check digits that make ``country + digits + bban`` a valid IBAN (for tests and demos)."""
    return f"{98 - _mod97(bban.upper() + country.upper() + '00'):02d}"


def rf_check_digits(body: str) -> str:
    """The two check digits that make ``"RF" + digits + body`` a valid ISO 11649 reference."""
    return f"{98 - _mod97(body.upper() + 'RF00'):02d}"
