"""A letter as an e-mail draft (.eml): the wording in the customer's language as the body, the
PDF and any statement attached, marked unsent so that the mail program opens it for editing.

Nothing is sent from AR Desk: the collector opens the draft, checks it and sends it from their own
mailbox, so the customer's reply reaches a person. Header values from the data (subject, address)
are single lines (no header injection).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP

from ar_core.errors import InvalidInput
from ar_core.recovery.letters import Letter, letter_subject, render_text
from ar_core.recovery.pdf import letter_file_name

_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


def letter_eml(
    letter: Letter,
    pdf: bytes,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    to: str | None = None,
) -> bytes:
    """The draft as RFC 5322 bytes (CRLF line ends).

    ``attachments`` are ``(file name, content, MIME type)``, e.g. the statement of account as
    XLSX; ``to`` defaults to the customer's ``contact_email`` when the letter's customer has one.
    The sender is the letterhead's e-mail address.
    """
    head, customer = letter.context["letterhead"], letter.context["customer"]
    message = EmailMessage()
    message["X-Unsent"] = "1"
    message["Subject"] = _one_line(letter_subject(letter))
    sender = _one_line(head.get("email") or "")
    if sender:
        message["From"] = _address(sender, head.get("company_name") or "", "letterhead email")
    recipient = _one_line(to if to is not None else customer.get("contact_email") or "")
    if recipient:
        message["To"] = _address(recipient, customer.get("contact_name") or customer.get("name") or "", "to")
    message.set_content(render_text(letter), charset="utf-8")
    message["Content-Language"] = letter.language  # after set_content, which clears Content-*
    message.add_attachment(
        pdf, maintype="application", subtype="pdf", filename=letter_file_name(letter, "pdf")
    )
    for name, content, mime in attachments:
        maintype, _, subtype = (mime or "application/octet-stream").partition("/")
        message.add_attachment(
            content, maintype=maintype, subtype=subtype or "octet-stream", filename=_one_line(name)
        )
    return message.as_bytes(policy=SMTP)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _address(email: str, name: str, field: str) -> Address:
    if not _ADDRESS.match(email):
        raise InvalidInput(field, f"{email!r} is not an e-mail address")
    user, domain = email.rsplit("@", 1)
    return Address(display_name=_one_line(name), username=user, domain=domain)
