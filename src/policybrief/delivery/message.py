"""One RFC 5322 message per audience: text and HTML bodies from templates, the brief files attached.

Files are deterministic like the briefs: MIME boundaries and the Message-ID derive from the content, the Date from
the caller (SOURCE_DATE_EPOCH when set). A draft carries `X-Unsent: 1` so mail clients open it for editing.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from policybrief.delivery.addresses import check_header_text
from policybrief.errors import DeliveryError
from policybrief.formats import FORMATS
from policybrief.lang.cleanup import printable
from policybrief.model import Brief


@dataclass(frozen=True)
class Attachment:
    filename: str
    """The name the recipient sees (non-ASCII is encoded per RFC 2231)."""
    data: bytes
    format: str
    """docx, pdf or md: picks the MIME type."""


@dataclass(frozen=True)
class Outgoing:
    """Everything one message needs; `build` turns it into an EmailMessage."""

    audience: str
    sender: Address
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    bcc: tuple[Address, ...]
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...]
    date: _dt.datetime

    @property
    def recipients(self) -> list[str]:
        """Envelope recipients (to, cc, bcc), each once, in that order."""
        seen: dict[str, None] = {}
        for a in (*self.to, *self.cc, *self.bcc):
            seen.setdefault(a.addr_spec, None)
        return list(seen)

    @property
    def attachment_bytes(self) -> int:
        return sum(len(a.data) for a in self.attachments)


def brief_context(brief: Brief) -> dict[str, Any]:
    """What body and subject templates see of a brief: plain strings and lists, all from the essay or profile."""
    text = {
        "title": brief.title,
        "subtitle": brief.subtitle,
        "audience": brief.audience,
        "profile_id": brief.profile_id,
        "marking": brief.marking,
        "date": brief.date,
        "organisation": brief.organisation,
        "author": brief.author,
        "summary_title": brief.summary_title,
        "summary_style": brief.summary_style,
        "source_note": brief.source_note,
        "essay_id": brief.essay_id,
    }
    lists = {
        "summary": [s.text for s in brief.summary],
        "key_judgments": [it.text for it in brief.key_judgments],
        "sections": [s.title for s in brief.sections],
    }
    # Control characters (a stray ESC in the essay's title) would end up in a header or a body: never kept.
    return {**{k: printable(v) for k, v in text.items()}, **{k: [printable(t) for t in v] for k, v in lists.items()}}


def _digest(out: Outgoing) -> str:
    h = hashlib.sha256()
    for part in (out.audience, out.subject, out.text, out.html, out.date.isoformat()):
        h.update(part.encode("utf-8") + b"\0")
    for a in out.attachments:
        h.update(a.filename.encode("utf-8") + b"\0" + hashlib.sha256(a.data).digest())
    return h.hexdigest()


def build(out: Outgoing, *, draft: bool, keep_bcc: bool = False) -> EmailMessage:
    """The message: `draft=True` is the .eml draft (`X-Unsent: 1`, Bcc shown); `draft=False` is what goes over SMTP
    (no Bcc header), or with `keep_bcc=True` the sender's record of what was sent."""
    check_header_text(out.subject, "subject")
    if not out.subject.strip():
        raise DeliveryError(f"{out.audience}: the subject is empty (check delivery.subject in the profile)")
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = out.sender
    if out.to:
        msg["To"] = out.to
    if out.cc:
        msg["Cc"] = out.cc
    if out.bcc and (draft or keep_bcc):
        msg["Bcc"] = out.bcc  # kept in the draft so the sender sees it; never in what is sent
    msg["Subject"] = out.subject
    msg["Date"] = format_datetime(out.date.astimezone(_dt.UTC))
    digest = _digest(out)
    msg["Message-ID"] = f"<{digest[:32]}.{out.audience}@{out.sender.domain or 'localhost'}>"
    msg["X-Mailer"] = "policybrief"
    if draft:
        msg["X-Unsent"] = "1"
    # quoted-printable: 7-bit clean, so any relay takes it, and still readable in the raw file.
    msg.set_content(out.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(out.html, subtype="html", charset="utf-8", cte="quoted-printable")
    for a in out.attachments:
        maintype, subtype = FORMATS[a.format].mime
        # Bytes, base64: what arrives is byte-identical to the file on disk (no line-end rewriting of text parts).
        params = {"charset": "utf-8"} if maintype == "text" else None
        msg.add_attachment(a.data, maintype=maintype, subtype=subtype, filename=a.filename, params=params)
    n = 0
    for part in msg.walk():
        if part is not msg:
            del part["MIME-Version"]  # the email package repeats it on subparts; it belongs on the message only
        if part.is_multipart():
            part.set_boundary(f"=_pb_{digest[32:56]}_{n}")
            n += 1
    return msg


def as_bytes(msg: EmailMessage) -> bytes:
    """RFC 5322 bytes with CRLF line ends, as stored in an .eml file."""
    return msg.as_bytes(policy=policy.SMTP)
