"""Email packaging for one audience: recipients, the templates' context, the attachment budget, the result.

Plain settings in, plain data out: this module sees a Brief, its files' bytes and the profile's delivery settings
(anything shaped like `DeliverySettings`), never the profile loader.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from email.headerregistry import Address
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from policybrief.delivery import message, templating
from policybrief.delivery.addresses import parse_address
from policybrief.errors import BriefError, DeliveryError
from policybrief.formats import FORMATS
from policybrief.lang.cleanup import printable
from policybrief.model import Brief

if TYPE_CHECKING:
    from policybrief.delivery.smtp import Sender

Locate = Callable[..., str]
"""Key path ("delivery", "to", 0) -> "file:line" where it is set."""


class DeliverySettings(Protocol):
    """What a profile's `delivery` block gives (see profiles.schema.Delivery), read-only."""

    @property
    def to(self) -> list[str]: ...
    @property
    def cc(self) -> list[str]: ...
    @property
    def bcc(self) -> list[str]: ...
    @property
    def sender(self) -> str: ...
    @property
    def subject(self) -> str: ...


@dataclass(frozen=True)
class Recipients:
    sender: Address
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    bcc: tuple[Address, ...]

    @property
    def anyone(self) -> bool:
        return bool(self.to or self.cc or self.bcc)


@dataclass
class EmailResult:
    """One audience's message: where the .eml went, what it carries, and what happened to each recipient."""

    audience: str
    subject: str = ""
    sender: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    eml: str = ""
    attachments: list[dict[str, Any]] = field(default_factory=list)
    attachment_bytes: int = 0
    warnings: list[str] = field(default_factory=list)
    recipients: list[dict[str, str]] = field(default_factory=list)
    """Per recipient: {"address", "status": sent | refused | failed | unknown, "detail"}; empty when not sending."""
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def ok(self) -> bool:
        return not self.error and all(r["status"] == "sent" for r in self.recipients)


def human_size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def recipients(d: DeliverySettings, overrides: dict[str, tuple[Address, ...]], where: Locate) -> Recipients:
    """Sender, to, cc, bcc: the command line's where given, else the profile's (errors at file:line)."""

    def parse(text: str, *key: str | int) -> Address:
        try:
            return parse_address(text, ".".join(str(k) for k in key[:2]) + (f"[{key[2]}]" if len(key) > 2 else ""))
        except DeliveryError as exc:
            raise DeliveryError(exc.message, where(*key)) from None

    lists: dict[str, tuple[Address, ...]] = {}
    for key in ("to", "cc", "bcc"):
        given = overrides.get(key)
        lists[key] = given if given else tuple(parse(t, "delivery", key, i) for i, t in enumerate(getattr(d, key)))
    sender = overrides["sender"][0] if overrides.get("sender") else parse(d.sender, "delivery", "sender")
    return Recipients(sender, lists["to"], lists["cc"], lists["bcc"])


def context(
    brief: Brief, profile: dict[str, str], essay: dict[str, str], attachments: Sequence[message.Attachment]
) -> dict[str, Any]:
    """What the subject and body templates see: plain strings and lists, all from the essay or the profile."""
    return {
        "brief": message.brief_context(brief),
        "profile": {k: printable(v) for k, v in profile.items()},
        "essay": {k: printable(v) for k, v in essay.items()},
        "attachments": [
            {"filename": a.filename, "kind": FORMATS[a.format].label, "size": human_size(len(a.data))} for a in attachments
        ],
        "language": brief.language,
    }


def over_budget(total: int, budget_mb: float) -> str:
    """A warning when the attachments exceed the budget, else ""."""
    if total > budget_mb * 1024 * 1024:
        return f"attachments total {human_size(total)}, over the {budget_mb:g} MB budget"
    return ""


@dataclass(frozen=True)
class Template:
    """A template's source and where it comes from (for errors)."""

    source: str
    where: str


@dataclass
class Package:
    """One audience's message, ready to write and send: the result so far, the message, and its files."""

    result: EmailResult
    outgoing: message.Outgoing
    files: list[tuple[Path, bytes]]
    """(path, bytes) of every file to write: the briefs, then the .eml draft."""


def package(
    audience: str,
    brief: Brief,
    who: Recipients,
    attachments: list[tuple[Path, message.Attachment]],
    eml: Path,
    ctx: dict[str, Any],
    templates: tuple[Template, Template, Template],
    when: _dt.datetime,
) -> Package:
    """Render the subject, text and HTML templates (subject, text, html) and build the draft; any problem with
    them is a DeliveryError naming the template, before anything is written."""
    subject_t, text_t, html_t = templates
    subject = templating.render(subject_t.source, ctx, where=subject_t.where).strip()
    text = templating.render(text_t.source, ctx, where=text_t.where)
    html = templating.render(html_t.source, ctx, where=html_t.where, html=True)
    atts = tuple(a for _, a in attachments)
    outgoing = message.Outgoing(audience, who.sender, who.to, who.cc, who.bcc, subject, text, html, atts, when)
    try:
        draft = message.as_bytes(message.build(outgoing, draft=True))  # a line break in the subject stops here
    except DeliveryError as exc:
        raise DeliveryError(exc.message, subject_t.where) from None
    result = EmailResult(
        audience,
        subject,
        str(who.sender),
        [str(a) for a in who.to],
        [str(a) for a in who.cc],
        [str(a) for a in who.bcc],
        str(eml),
        [{"filename": a.filename, "format": a.format, "size": len(a.data), "path": str(p)} for p, a in attachments],
        outgoing.attachment_bytes,
    )
    return Package(result, outgoing, [(p, a.data) for p, a in attachments] + [(eml, draft)])


def check_budget(pkg: Package, budget_mb: float, strict: bool) -> None:
    """Over the attachment budget: a warning, or with `strict` the audience's failure."""
    over = over_budget(pkg.outgoing.attachment_bytes, budget_mb)
    if over and strict:
        pkg.result.error = over + " (--strict)"
    elif over:
        pkg.result.warnings.append(over)


def write_and_send(packages: list[Package], session: Sender | None, save: Callable[[Path, bytes], None]) -> None:
    """Write every package's files, then (with a session) send each; one audience's failure never stops the others.

    Once a message has gone out to anyone, its .eml is rewritten as the record of what was sent (no X-Unsent), so
    that nobody sends the draft a second time.
    """
    for p in packages:
        if not p.result.error:
            try:
                for path, data in p.files:
                    save(path, data)
            except BriefError as exc:
                p.result.error = str(exc)
    if session is None:
        return
    for p in packages:
        if p.result.error:
            continue
        sent = session.send(message.build(p.outgoing, draft=False), p.outgoing.sender.addr_spec, p.outgoing.recipients)
        p.result.recipients = [{"address": d.address, "status": d.status, "detail": d.detail} for d in sent]
        if any(d.status in ("sent", "unknown") for d in sent):
            # "unknown" (the server may have kept it) counts as sent here: the user decides whether to resend.
            try:
                save(Path(p.result.eml), message.as_bytes(message.build(p.outgoing, draft=False, keep_bcc=True)))
            except BriefError as exc:
                p.result.warnings.append(f"sent, but the .eml record was not updated: {exc}")
