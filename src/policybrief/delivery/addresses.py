"""Email addresses: parsed strictly, so that a typo or a smuggled header fails before anything is written or sent."""

from __future__ import annotations

import email
import re
from email import policy
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import getaddresses

from policybrief.errors import DeliveryError

# A pragmatic addr-spec: dot-atom local part, a domain of labels (or a bare host such as localhost).
_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bBqQ]\?[^?\s]*\?=")


def check_header_text(value: str, what: str) -> str:
    """A header value (subject, display name) must be one line: a CR or LF would start a new header."""
    if "\r" in value or "\n" in value:
        raise DeliveryError(f"{what} contains a line break (header injection): {value!r}")
    if _CONTROL.search(value):
        raise DeliveryError(f"{what} contains a control character: {value!r}")
    return value


def parse_address(text: str, what: str = "address") -> Address:
    """'Jane Doe <jane@example.gov>' or 'jane@example.gov' -> Address; anything else is a DeliveryError."""
    check_header_text(text, what)
    pairs = getaddresses([text])
    if len([p for p in pairs if p[1]]) > 1:
        raise DeliveryError(f"{what} '{text}' holds more than one address: give one address per entry")
    if len(pairs) != 1 or not pairs[0][1]:
        raise DeliveryError(f"{what} '{text}' is not a valid email address (expected name@domain)")
    name, spec = pairs[0]
    if spec.count("@") != 1:
        raise DeliveryError(f"{what} '{text}' is not a valid email address (expected name@domain)")
    local, domain = spec.split("@")
    try:
        domain_ascii = domain.encode("idna").decode("ascii") if domain else ""
    except UnicodeError:
        domain_ascii = ""
    if not _LOCAL.match(local) or not domain_ascii or not all(_LABEL.match(p) for p in domain_ascii.split(".")):
        raise DeliveryError(f"{what} '{text}' is not a valid email address (expected name@domain)")
    stripped = text.strip()
    if not (stripped == spec or stripped.endswith(f"<{spec}>")):
        # getaddresses quietly drops junk ('a@b.c d@e.f' -> one address); a user meant something else.
        raise DeliveryError(f"{what} '{text}' is not a valid email address (expected name@domain)")
    name = _display_name(name, what)
    address = Address(display_name=name, username=local, domain=domain_ascii)
    _check_round_trip(address, what, text)
    return address


def _display_name(name: str, what: str) -> str:
    """The name as a mail client shows it: RFC 2047 encoded words (`=?utf-8?q?...?=`) decoded, then checked like
    any header text. Left encoded, a name could decode into extra recipients once the message is read back."""
    if "=?" not in name:
        return name
    try:
        decoded = str(make_header(decode_header(name)))
    except (ValueError, LookupError, UnicodeError, email.errors.HeaderParseError):
        raise DeliveryError(f"{what}: the display name {name!r} holds a malformed encoded word (=?charset?q?...?=)") from None
    check_header_text(decoded, f"{what} (display name, decoded)")
    if _ENCODED_WORD.search(decoded):
        raise DeliveryError(f"{what}: the display name {name!r} is encoded twice")
    return decoded


def _check_round_trip(address: Address, what: str, text: str) -> None:
    """Written into a header and read back, the address must be this one address: nothing can add a recipient."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["To"] = address
    back = email.message_from_bytes(msg.as_bytes(), policy=policy.default)["To"].addresses
    if len(back) != 1 or back[0].addr_spec != address.addr_spec or back[0].display_name != address.display_name:
        raise DeliveryError(f"{what} '{text}' would not read back as one address; simplify its display name")


def parse_addresses(values: list[str] | tuple[str, ...], what: str) -> tuple[Address, ...]:
    """Every entry parsed; the error names the list and the position (`delivery.to[1]`)."""
    return tuple(parse_address(v, f"{what}[{i}]") for i, v in enumerate(values))
