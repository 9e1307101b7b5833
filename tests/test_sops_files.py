"""SOP files: attachments checked by their first bytes and size, bulk import of Markdown and .docx
files as drafts, a bad file named and nothing stored for it."""

from __future__ import annotations

import io

import docx
import pytest
import sqlalchemy as sa

from ar_core.access.actor import Actor
from ar_core.access.users import create_user
from ar_core.errors import InvalidInput, PermissionDenied
from ar_core.knowledge import (
    MAX_ATTACHMENT_BYTES,
    SopReadOnly,
    add_attachment,
    attachment_content,
    attachment_type,
    attachments,
    create_sop,
    get_version,
    import_sops,
    my_drafts,
    read_sop_file,
    remove_attachment,
    submit_for_review,
)
from ar_core.store.models import Sop, SopVersion
from tests.conftest import ADMIN, LEAD

MEYER = Actor("c.meyer", "Claudia Meyer", frozenset({"collector"}))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20
PDF = b"%PDF-1.7\n%\xe2\xe3\n"


@pytest.fixture
def db(engine):
    for a in (ADMIN, LEAD, MEYER):
        create_user(engine, ADMIN, username=a.username, name=a.name, password="x" * 12, roles=sorted(a.roles))
    return engine


def _docx(title: str, with_table: bool = True) -> bytes:
    document = docx.Document()
    document.add_heading(title, level=1)
    document.add_paragraph("When a customer misses the promised date:")
    document.add_paragraph("Run FBL5N for the customer", style="List Number")
    document.add_paragraph("Call within one business day", style="List Bullet")
    document.add_heading("Thresholds", level=2)
    if with_table:
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Amount", "Who"
        table.cell(1, 0).text, table.cell(1, 1).text = "over EUR 10,000", "team lead"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_attachment_types_come_from_the_first_bytes():
    assert attachment_type("a.png", PNG) == "image/png"
    assert attachment_type("scan.jpg", JPEG) == "image/jpeg"
    assert attachment_type("form.pdf", PDF) == "application/pdf"
    with pytest.raises(InvalidInput, match="not a PNG, JPEG or PDF"):
        attachment_type("evil.png", b"MZ\x90\x00 an exe renamed")
    with pytest.raises(InvalidInput, match="not a PNG, JPEG or PDF"):
        attachment_type("logo.svg", b"<svg onload='alert(1)'></svg>")
    with pytest.raises(InvalidInput, match="empty"):
        attachment_type("a.png", b"")
    with pytest.raises(InvalidInput, match="at most"):
        attachment_type("big.png", PNG + b"\x00" * MAX_ATTACHMENT_BYTES)


def test_the_author_attaches_to_a_draft_only(db):
    create_sop(db, MEYER, title="Write-off request", area="legal/write-off", body="Steps.")
    version_id = my_drafts(db, MEYER)["version_id"][0]
    attachment_id = add_attachment(db, MEYER, version_id, "C:\\scans\\form.pdf", PDF)
    assert attachments(db, LEAD, version_id).select("file_name", "content_type", "size_bytes").rows() == [
        ("form.pdf", "application/pdf", len(PDF))
    ]
    assert attachment_content(db, LEAD, attachment_id) == ("form.pdf", "application/pdf", PDF)
    with pytest.raises(PermissionDenied):
        add_attachment(db, LEAD, version_id, "x.png", PNG)
    with pytest.raises(InvalidInput):
        add_attachment(db, MEYER, version_id, "x.png", b"GIF89a")
    submit_for_review(db, MEYER, version_id)
    with pytest.raises(SopReadOnly):
        add_attachment(db, MEYER, version_id, "late.png", PNG)
    with pytest.raises(SopReadOnly):
        remove_attachment(db, MEYER, attachment_id)
    assert attachments(db, MEYER, version_id).height == 1


def test_reading_markdown_and_docx_files():
    title, body = read_sop_file("broken_promise.md", b"# Handling a broken promise\n\n1. Call.\n")
    assert (title, body) == ("Handling a broken promise", "1. Call.\n")
    assert read_sop_file("dunning_blocks.md", b"Just text.\n") == ("dunning blocks", "Just text.\n")
    title, body = read_sop_file("promise.docx", _docx("Handling a broken promise to pay"))
    assert title == "Handling a broken promise to pay"
    assert body.splitlines() == [
        "When a customer misses the promised date:",
        "",
        "1. Run FBL5N for the customer",
        "- Call within one business day",
        "### Thresholds",
        "",
        "| Amount | Who |",
        "| --- | --- |",
        "| over EUR 10,000 | team lead |",
    ]


def test_a_bad_file_is_named_and_nothing_is_stored_for_it_the_others_are_drafts(db):
    files = [
        ("broken_promise.md", b"# Handling a broken promise to pay\n\n1. Call the customer.\n"),
        ("write_off.docx", _docx("Write-off request")),
        ("old.doc", b"\xd0\xcf\x11\xe0 an old Word file"),
        ("renamed.docx", b"%PDF-1.4 not a docx"),
        ("latin1.md", "# Zahlungsabgleich\n\nGebühr".encode("latin-1")),
        ("empty.md", b""),
    ]
    created, problems = import_sops(db, MEYER, files, area="collections")
    assert [(p.file, p.message) for p in problems] == [
        ("old.doc", "only Markdown (.md) and Word (.docx) files are imported"),
        ("renamed.docx", "not a Word .docx file (a .doc, or a renamed or damaged file?)"),
        ("latin1.md", "not UTF-8 text: save the Markdown file as UTF-8"),
        ("empty.md", "the file is empty"),
    ]
    assert len(created) == 2
    with db.connect() as conn:
        titles = sorted(conn.execute(sa.select(Sop.title)).scalars())
        statuses = conn.execute(sa.select(SopVersion.status, SopVersion.source_file)).all()
    assert titles == ["Handling a broken promise to pay", "Write-off request"]
    assert sorted(tuple(s) for s in statuses) == [("draft", "broken_promise.md"), ("draft", "write_off.docx")]
    assert get_version(db, MEYER, created[0])["change_summary"] == "Imported from broken_promise.md"


def test_an_import_of_an_existing_title_is_a_new_draft_version_unless_one_is_open(db):
    created, _ = import_sops(db, MEYER, [("a.md", b"# Write-off request\n\nv1")], area="legal/write-off")
    _, problems = import_sops(db, MEYER, [("b.md", b"# write-off REQUEST\n\nv2")], area="legal/write-off")
    assert [p.file for p in problems] == ["b.md"] and "still open" in problems[0].message
    with pytest.raises(InvalidInput):
        import_sops(db, MEYER, [], area="nowhere")
    assert len(created) == 1
