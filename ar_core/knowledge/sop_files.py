"""Files around SOPs: attachments of a draft (images and PDFs, kept in the database) and the bulk
import of existing SOPs from Markdown and Word (.docx) files as drafts.

An attachment's type is read from its first bytes, never from its name: a PNG starts with
``\\x89PNG``, a JPEG with ``FF D8 FF``, a PDF with ``%PDF-``; anything else (an .exe renamed
.png, an SVG that could carry script) is refused, and so is a file over :data:`MAX_ATTACHMENT_BYTES`.
Only the author attaches to their own draft: an approved version keeps the files it was approved with.

An import reads every file first: a file that cannot be read (not UTF-8 Markdown, a damaged or
renamed .docx, an empty one, another extension) is a :class:`FileProblem` naming it, and nothing
is stored for it; the others become drafts in one transaction — a new SOP each, or a new draft
version of the SOP of the same title (when that SOP has no open draft). A Markdown file's first
``# heading`` is its title (else the file name); a .docx's first Title or Heading 1 paragraph is,
and its headings, lists and tables become Markdown.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import polars as pl
import sqlalchemy as sa

from ar_core.access import Actor, active_actor, record
from ar_core.errors import ArDeskError, InvalidInput, NotFound, PermissionDenied
from ar_core.knowledge.sops import MAX_BODY_CHARS, check_area, check_title, transition
from ar_core.store.db import write_transaction
from ar_core.store.models import Sop, SopAttachment, SopVersion, utcnow

#: Largest attachment (a screenshot of an SAP screen or a scanned form).
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
#: Largest file of an import.
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_FILES = 200
#: First bytes -> content type.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
)
ATTACHMENT_SCHEMA: dict[str, pl.DataType] = {
    "attachment_id": pl.Int64(), "version_id": pl.Int64(), "file_name": pl.String(),
    "content_type": pl.String(), "size_bytes": pl.Int64(), "uploaded_by": pl.String(),
    "uploaded_at": pl.Datetime("us", "UTC"),
}  # fmt: skip


@dataclass(frozen=True)
class FileProblem:
    """Why one file of an import was not taken (nothing of it is stored)."""

    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


# --- attachments -------------------------------------------------------------------------------


def attachment_type(file_name: str, content: bytes) -> str:
    """The content type of an attachment from its first bytes; refused unless PNG, JPEG or PDF."""
    if not content:
        raise InvalidInput("content", f"{file_name} is empty")
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise InvalidInput(
            "content", f"{file_name} has {len(content):,} bytes: at most {MAX_ATTACHMENT_BYTES:,} per file"
        )
    for magic, kind in MAGIC:
        if content.startswith(magic):
            return kind
    raise InvalidInput("content", f"{file_name} is not a PNG, JPEG or PDF file (judged by its content)")


def _safe_name(file_name: str) -> str:
    name = PurePath((file_name or "").replace("\\", "/")).name.strip()
    if not name:
        raise InvalidInput("file_name", "the file has no name")
    return name[:255]


def add_attachment(engine: sa.Engine, actor: Actor, version_id: int, file_name: str, content: bytes) -> int:
    """The author attaches an image or PDF to their draft; returns the attachment id (audited)."""
    name = _safe_name(file_name)
    kind = attachment_type(name, content)
    with write_transaction(engine, actor) as conn:
        active_actor(conn, actor.username)
        row = conn.execute(sa.select(SopVersion).where(SopVersion.id == version_id)).first()
        if row is None:
            raise NotFound(f"no SOP version {version_id}")
        transition(row.status, "edit")
        if row.author != actor.username:
            raise PermissionDenied(f"only its author {row.author} attaches files to this draft")
        digest = hashlib.sha256(content).hexdigest()
        attachment_id = conn.execute(
            sa.insert(SopAttachment)
            .values(version_id=version_id, file_name=name, content_type=kind, size_bytes=len(content),
                    sha256=digest, content=content, uploaded_by=actor.username, uploaded_at=utcnow())
            .returning(SopAttachment.id)
        ).scalar_one()  # fmt: skip
        record(conn, actor, "attach_sop_file", "sop_version", version_id,
               after={"file_name": name, "content_type": kind, "size_bytes": len(content),
                      "sha256": digest})  # fmt: skip
    return int(attachment_id)


def remove_attachment(engine: sa.Engine, actor: Actor, attachment_id: int) -> None:
    """The author removes a file from their draft (audited)."""
    with write_transaction(engine, actor) as conn:
        active_actor(conn, actor.username)
        row = conn.execute(
            sa.select(SopAttachment, SopVersion.status, SopVersion.author)
            .join(SopVersion, SopVersion.id == SopAttachment.version_id)
            .where(SopAttachment.id == attachment_id)
        ).first()
        if row is None:
            raise NotFound(f"no SOP attachment {attachment_id}")
        transition(row.status, "edit")
        if row.author != actor.username:
            raise PermissionDenied(f"only its author {row.author} removes files from this draft")
        conn.execute(sa.delete(SopAttachment).where(SopAttachment.id == attachment_id))
        record(conn, actor, "remove_sop_file", "sop_version", row.version_id,
               before={"file_name": row.file_name, "sha256": row.sha256})  # fmt: skip


def attachments(engine: sa.Engine, actor: Actor, version_id: int) -> pl.DataFrame:
    """The files of one version, in upload order (``ATTACHMENT_SCHEMA``; no content)."""
    del actor  # the files are part of the version: who may open the version sees them
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(SopAttachment.id, SopAttachment.version_id, SopAttachment.file_name,
                      SopAttachment.content_type, SopAttachment.size_bytes, SopAttachment.uploaded_by,
                      SopAttachment.uploaded_at)
            .where(SopAttachment.version_id == version_id).order_by(SopAttachment.id)
        ).all()  # fmt: skip
    return pl.DataFrame([tuple(r) for r in rows], schema=ATTACHMENT_SCHEMA, orient="row")


def attachment_content(engine: sa.Engine, actor: Actor, attachment_id: int) -> tuple[str, str, bytes]:
    """``(file name, content type, bytes)`` of one attachment."""
    del actor
    with engine.connect() as conn:
        row = conn.execute(sa.select(SopAttachment).where(SopAttachment.id == attachment_id)).first()
    if row is None:
        raise NotFound(f"no SOP attachment {attachment_id}")
    return row.file_name, row.content_type, bytes(row.content)


# --- reading files -------------------------------------------------------------------------------


def _markdown(name: str, content: bytes) -> tuple[str, str]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArDeskError("not UTF-8 text: save the Markdown file as UTF-8") from None
    if "\x00" in text:
        raise ArDeskError("not a text file")
    lines = text.replace("\r\n", "\n").split("\n")
    for i, line in enumerate(lines):
        if line.startswith("# "):
            return line[2:].strip(), "\n".join(lines[:i] + lines[i + 1 :]).strip("\n")
        if line.strip():
            break
    return PurePath(name).stem.replace("_", " ").strip(), text.strip("\n")


def _runs(paragraph: Any) -> str:
    parts = []
    for run in paragraph.runs:
        text = run.text
        if text.strip() and run.bold:
            text = f"**{text.strip()}** " if text.endswith(" ") else f"**{text.strip()}**"
        parts.append(text)
    return "".join(parts).strip()


def _table(table: Any) -> list[str]:
    rows = [[" ".join(c.text.split()).replace("|", "\\|") for c in row.cells] for row in table.rows]
    if not rows:
        return []
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * len(rows[0])]
    return [*lines, *("| " + " | ".join(r) + " |" for r in rows[1:]), ""]


def _docx(name: str, content: bytes) -> tuple[str, str]:
    import docx  # python-docx: only an import needs it
    from docx.table import Table

    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ArDeskError("not a Word .docx file (a .doc, or a renamed or damaged file?)")
    try:
        document = docx.Document(io.BytesIO(content))
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise ArDeskError(f"Word cannot read it as a .docx file ({type(exc).__name__})") from None
    title, lines = None, []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines += _table(block)
            continue
        style = (block.style.name if block.style is not None else "") or ""
        text = _runs(block)
        if not text:
            if lines and lines[-1] != "":
                lines.append("")
            continue
        if title is None and style in ("Title", "Heading 1"):
            title = text
        elif style.startswith("Heading"):
            level = int(style.rsplit(" ", 1)[-1]) if style[-1].isdigit() else 2
            lines += [f"{'#' * min(level + 1, 6)} {text}", ""]
        elif style.startswith("List Number"):
            lines.append(f"1. {text}")
        elif style.startswith("List"):
            lines.append(f"- {text}")
        else:
            lines += [text, ""]
    return title or PurePath(name).stem.replace("_", " ").strip(), "\n".join(lines).strip("\n")


def read_sop_file(file_name: str, content: bytes) -> tuple[str, str]:
    """``(title, Markdown body)`` of one file to import; :class:`ArDeskError` says why it cannot be read."""
    suffix = PurePath(file_name).suffix.lower()
    if not content:
        raise ArDeskError("the file is empty")
    if len(content) > MAX_IMPORT_BYTES:
        raise ArDeskError(f"{len(content):,} bytes: at most {MAX_IMPORT_BYTES:,} per file")
    if suffix in (".md", ".markdown", ".txt"):
        title, body = _markdown(file_name, content)
    elif suffix == ".docx":
        title, body = _docx(file_name, content)
    else:
        raise ArDeskError("only Markdown (.md) and Word (.docx) files are imported")
    if not body.strip():
        raise ArDeskError("it holds a title but no procedure text")
    if len(body) > MAX_BODY_CHARS:
        raise ArDeskError(f"the text has more than {MAX_BODY_CHARS:,} characters")
    try:
        return check_title(title), body + "\n"
    except InvalidInput as exc:
        raise ArDeskError(exc.message) from None


def import_sops(
    engine: sa.Engine, actor: Actor, files: Sequence[tuple[str, bytes]], *, area: str
) -> tuple[list[int], list[FileProblem]]:
    """Import existing SOPs as drafts of ``actor`` in ``area``: ``(version ids, problems)``.

    Every readable file becomes a draft (a new SOP, or a new version of the SOP with that title);
    an unreadable one is a problem naming the file and stores nothing. Audited per draft.
    """
    check_area(area)
    if len(files) > MAX_IMPORT_FILES:
        raise InvalidInput("files", f"at most {MAX_IMPORT_FILES} files per import")
    problems: list[FileProblem] = []
    parsed: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for file_name, content in files:
        name = PurePath((file_name or "").replace("\\", "/")).name or "(no name)"
        try:
            title, body = read_sop_file(name, content)
        except ArDeskError as exc:
            problems.append(FileProblem(name, str(exc)))
            continue
        if title.lower() in seen:
            problems.append(FileProblem(name, f"a second file titled {title!r} in this import"))
            continue
        seen.add(title.lower())
        parsed.append((name, title, body))
    created: list[int] = []
    if not parsed:
        return created, problems
    with write_transaction(engine, actor) as conn:
        active_actor(conn, actor.username).require("collector", "lead", doing="import SOPs")
        existing = {r.title.lower(): r for r in conn.execute(sa.select(Sop)).all()}
        now = utcnow()
        for name, title, body in parsed:
            sop = existing.get(title.lower())
            if sop is not None and sop.retired_at is not None:
                problems.append(
                    FileProblem(name, f"the SOP {sop.title!r} is retired: it takes no new version")
                )
                continue
            if sop is not None:
                open_one = conn.execute(
                    sa.select(SopVersion.version_no).where(
                        SopVersion.sop_id == sop.id, SopVersion.status.in_(("draft", "in_review"))
                    )
                ).first()
                if open_one is not None:
                    problems.append(FileProblem(
                        name, f"version {open_one.version_no} of {sop.title!r} is still open: finish it first"
                    ))  # fmt: skip
                    continue
                sop_id = sop.id
                number = conn.execute(
                    sa.select(sa.func.max(SopVersion.version_no)).where(SopVersion.sop_id == sop_id)
                ).scalar_one() + 1  # fmt: skip
            else:
                sop_id = conn.execute(
                    sa.insert(Sop).values(title=title, area=area, owner=actor.username,
                                          created_by=actor.username, created_at=now).returning(Sop.id)
                ).scalar_one()  # fmt: skip
                record(conn, actor, "create_sop", "sop", sop_id,
                       after={"title": title, "area": area, "owner": actor.username})  # fmt: skip
                number = 1
            version_id = conn.execute(
                sa.insert(SopVersion).values(
                    sop_id=sop_id, version_no=number, body=body, change_summary=f"Imported from {name}",
                    status="draft", author=actor.username, created_at=now, updated_at=now, source_file=name,
                ).returning(SopVersion.id)
            ).scalar_one()  # fmt: skip
            record(conn, actor, "import_sop_version", "sop_version", version_id,
                   after={"sop_id": sop_id, "title": title, "version_no": number, "source_file": name,
                          "body_chars": len(body)})  # fmt: skip
            created.append(int(version_id))
    return created, problems
