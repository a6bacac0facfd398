"""SMTP delivery: one connection for the run, STARTTLS or implicit TLS, per-recipient results, retries.

Nothing is reported as sent unless the server accepted that recipient and then the message data. Temporary
failures (4xx replies, dropped or refused connections, timeouts) are retried with a growing wait; permanent ones
(5xx) are reported at once. A problem with one message never stops the others.

A message whose final dot went out is never sent again: when the server then hangs up or stays silent instead of
confirming, it may well have kept the message, so its recipients are reported as `unknown` (with the server's last
reply) rather than retried into a duplicate. Text from the server is shown as printable ASCII, bounded in length.
"""

from __future__ import annotations

import ipaddress
import os
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING, Literal, cast

from policybrief.errors import DeliveryError

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

Security = Literal["starttls", "tls", "none"]
Status = Literal["sent", "refused", "failed", "unknown"]
DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "tls": 465, "none": 25}
PASSWORD_ENV = "PB_SMTP_PASSWORD"
CONNECT_TIMEOUT = 15.0
"""Seconds to connect and for each reply until logged in (the greeting included): a silent server fails fast."""
_LABEL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: Security = "starttls"
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0
    """Seconds to wait for each reply once the session is set up."""
    connect_timeout: float = CONNECT_TIMEOUT
    """Seconds to connect and for each reply until the session is set up (greeting, EHLO, STARTTLS, login)."""
    retries: int = 2
    """Extra attempts after a temporary failure."""
    retry_wait: float = 2.0
    """Seconds before the first retry; doubles each time."""

    @property
    def where(self) -> str:
        return f"smtp://{self.host}:{self.port}"


@dataclass(frozen=True)
class Delivered:
    """What happened to one recipient of one message."""

    address: str
    status: Status
    """sent: accepted by the server; refused: a permanent 5xx; failed: temporary trouble that outlasted the retries;
    unknown: the whole message went out but the server never confirmed it (it may have kept it; it is not resent)."""
    detail: str = ""


def settings(
    host: str | None,
    port: int | None,
    security: str,
    user: str | None,
    *,
    timeout: float = 30.0,
    retries: int = 2,
    retry_wait: float = 2.0,
    prompt: Callable[[str], str] | None = None,
) -> SmtpSettings:
    """Checked settings; the password comes only from $PB_SMTP_PASSWORD or the prompt (never YAML or argv)."""
    if not host:
        raise DeliveryError("no SMTP server: give --smtp-host or set PB_SMTP_HOST")
    if security not in DEFAULT_PORTS:
        raise DeliveryError(f"--smtp-security must be starttls, tls or none, not '{security}'")
    host = check_host(host)
    port = DEFAULT_PORTS[security] if port is None else port
    if not 0 < port < 65536:
        raise DeliveryError(f"SMTP port {port} is out of range (1 to 65535)")
    password = None
    if user:
        if security == "none" and not _loopback(host):
            raise DeliveryError(
                f"refusing to send the SMTP password for '{user}' unencrypted to {host}; use --smtp-security starttls or tls"
            )
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if prompt is None:
                raise DeliveryError(
                    f"SMTP user '{user}' has no password: set {PASSWORD_ENV} (passwords are never read from files or options)"
                )
            password = prompt(f"SMTP password for {user}@{host}: ")
    return SmtpSettings(
        host,
        port,
        cast(Security, security),
        user or None,
        password,
        timeout,
        min(timeout, CONNECT_TIMEOUT),
        max(0, retries),
        max(0.0, retry_wait),
    )


def check_host(host: str) -> str:
    """A host name (internationalised names allowed) or an IP address; anything else is a DeliveryError."""
    if any(c in host for c in "/@ \t\r\n") or any(not c.isprintable() for c in host):
        raise DeliveryError(f"SMTP host {_quoted(host)} is not a host name (give the name only; the port goes in --smtp-port)")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    name = host[:-1] if host.endswith(".") else host
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_name = ""
    if not ascii_name or len(ascii_name) > 253 or not all(_LABEL.match(label) for label in ascii_name.split(".")):
        raise DeliveryError(
            f"SMTP host {_quoted(host)} is not a valid host name (labels of 1 to 63 letters, digits or hyphens, separated by dots)"
        )
    return host


def _quoted(text: str, limit: int = 80) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Temporary(Exception):
    pass


class _NoAnswer(smtplib.SMTPServerDisconnected):
    """The server stayed silent past the timeout (smtplib reports that as a closed connection)."""


class _Session(smtplib.SMTP):
    """smtplib.SMTP that records, for the transaction in progress, the replies to RCPT, whether the final dot of
    the message went out, and the server's last reply."""

    dot_sent = False
    last_reply = ""
    rcpt_replies: dict[str, tuple[int, bytes]]

    def getreply(self) -> tuple[int, bytes]:
        try:
            code, text = super().getreply()
        except smtplib.SMTPServerDisconnected as exc:
            if isinstance(exc.__context__, TimeoutError):
                raise _NoAnswer("the server did not answer in time") from None
            raise
        self.last_reply = f"{code} {_text(text)}" if code > 0 else _text(text)
        return code, text

    def mail(self, sender: str, options: Sequence[str] = ()) -> tuple[int, bytes]:
        self.dot_sent = False
        self.rcpt_replies = {}
        return super().mail(sender, options)

    def rcpt(self, recip: str, options: Sequence[str] = ()) -> tuple[int, bytes]:
        code, text = super().rcpt(recip, options)
        self.rcpt_replies[recip] = (code, text)
        return code, text

    def data(self, msg: ReadableBuffer | str) -> tuple[int, bytes]:
        """smtplib's DATA, noting the moment the final dot has been handed to the network."""
        self.putcmd("data")
        code, repl = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, repl)
        raw = msg.encode("ascii") if isinstance(msg, str) else bytes(msg)
        q = re.sub(rb"(?m)^\.", b"..", raw)
        if q[-2:] != b"\r\n":
            q += b"\r\n"
        self.send(q + b".\r\n")
        self.dot_sent = True
        return self.getreply()


class _TlsSession(_Session, smtplib.SMTP_SSL):
    """The same over implicit TLS."""


class Sender:
    """An SMTP session that reconnects when the server drops it. Use as a context manager."""

    def __init__(self, cfg: SmtpSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        self.cfg = cfg
        self.sleep = sleep
        self.conn: _Session | None = None

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.quit()
            except (smtplib.SMTPException, OSError):
                try:
                    self.conn.close()
                except OSError:
                    pass
            self.conn = None

    def open(self) -> None:
        """Connect, secure and log in; permanent problems (no STARTTLS, bad password) are a DeliveryError."""
        if self.conn is not None:
            return
        cfg = self.cfg
        ctx = ssl.create_default_context()
        try:
            if cfg.security == "tls":
                conn: _Session = _TlsSession(cfg.host, cfg.port, timeout=cfg.connect_timeout, context=ctx)
            else:
                conn = _Session(cfg.host, cfg.port, timeout=cfg.connect_timeout)
            conn.ehlo()
            if cfg.security == "starttls":
                if not conn.has_extn("starttls"):
                    conn.close()
                    raise DeliveryError(
                        "the server does not offer STARTTLS; use --smtp-security tls (port 465), or none on a trusted network",
                        cfg.where,
                    )
                conn.starttls(context=ctx)
                conn.ehlo()
            if cfg.user:
                if not conn.has_extn("auth"):
                    conn.close()
                    raise DeliveryError("the server does not offer login (AUTH); drop --smtp-user", cfg.where)
                try:
                    conn.login(cfg.user, cfg.password or "")
                except (smtplib.SMTPServerDisconnected, ConnectionError):
                    # Some servers hang up after a rejected password instead of answering 535 to the next try.
                    raise DeliveryError(f"login failed for '{cfg.user}' (the server closed the connection)", cfg.where) from None
            if conn.sock is not None:  # set up: from now on wait as long as a busy server may need
                conn.sock.settimeout(cfg.timeout)
            conn.timeout = cfg.timeout
        except smtplib.SMTPConnectError as exc:
            if not 100 <= exc.smtp_code < 600:  # not "220 ..." nor any other SMTP reply
                raise DeliveryError(
                    f"not an SMTP server: it greeted with {_quoted(_text(exc.smtp_error), 60)}", cfg.where
                ) from None
            if 400 <= exc.smtp_code < 500:
                raise _Temporary(f"{exc.smtp_code} {_text(exc.smtp_error)}") from None
            raise DeliveryError(f"the server refused the session ({exc.smtp_code} {_text(exc.smtp_error)})", cfg.where) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"login failed for '{cfg.user}' ({exc.smtp_code} {_text(exc.smtp_error)})", cfg.where) from None
        except ssl.SSLError as exc:
            raise DeliveryError(f"TLS failed ({exc.reason or exc})", cfg.where) from None
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                raise _Temporary(f"{exc.smtp_code} {_text(exc.smtp_error)}") from None
            raise DeliveryError(f"the server refused the session ({exc.smtp_code} {_text(exc.smtp_error)})", cfg.where) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise _Temporary(_oserror(exc)) from None
        self.conn = conn

    def check(self) -> None:
        """Connect once up front, so that bad settings fail before any file is written."""
        try:
            self.open()
        except _Temporary as exc:
            raise DeliveryError(f"cannot connect ({exc})", self.cfg.where) from None

    def send(self, msg: EmailMessage, sender: str, recipients: list[str]) -> list[Delivered]:
        """Deliver one message; one Delivered per recipient, in order."""
        done: dict[str, Delivered] = {}
        pending = list(recipients)
        attempt = 0
        while pending:
            problem = ""
            conn: _Session | None = None
            try:
                self.open()
                conn = self.conn
                assert conn is not None
                refused = conn.send_message(msg, from_addr=sender, to_addrs=pending)
                pending, problem = self._sort(pending, refused, done)
            except smtplib.SMTPRecipientsRefused as exc:
                pending, problem = self._sort(pending, exc.recipients, done)
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                if conn is not None and conn.dot_sent and not 200 <= exc.smtp_code < 600:
                    pending, problem = self._unknown(
                        conn, pending, done, "the server answered with something that is not SMTP", _text(exc.smtp_error)
                    )
                    self.close()
                else:
                    what = "sender" if isinstance(exc, smtplib.SMTPSenderRefused) else "message"
                    problem = f"{what} refused: {exc.smtp_code} {_text(exc.smtp_error)}"
                    if exc.smtp_code == 421:
                        self.close()  # "service closing": the next attempt needs a new session
                    if not 400 <= exc.smtp_code < 500:
                        for r in pending:
                            done[r] = Delivered(r, "refused", problem)
                        pending = []
            except _Temporary as exc:
                problem = str(exc)
            except (smtplib.SMTPException, OSError) as exc:
                problem = _oserror(exc)
                if conn is not None and conn.dot_sent:
                    pending, problem = self._unknown(conn, pending, done, problem, conn.last_reply)
                self.close()  # the session is gone or in an unknown state: start a new one
            if pending:
                attempt += 1
                if attempt > self.cfg.retries:
                    for r in pending:
                        done[r] = Delivered(r, "failed", f"{problem}; gave up after {attempt} attempts")
                    break
                self.sleep(self.cfg.retry_wait * 2 ** (attempt - 1))
        return [done[r] for r in recipients]

    @staticmethod
    def _unknown(
        conn: _Session, pending: list[str], done: dict[str, Delivered], problem: str, last_words: str
    ) -> tuple[list[str], str]:
        """After the final dot: the recipients the server had accepted may have the message, so it is never sent
        to them again. Returns those still to try (put off at RCPT with a 4xx) and the latest problem."""
        last = f" (its last words: {_quoted(last_words)})" if last_words else ""
        detail = f"delivery unknown: the whole message was sent, then {problem} without confirming it{last}; not sent again"
        replies = getattr(conn, "rcpt_replies", {})
        not_accepted = {
            r: replies.get(r, (451, b"not tried")) for r in pending if replies.get(r, (451, b""))[0] not in (250, 251)
        }
        again, later = Sender._sort(pending, not_accepted, done, Delivered("", "unknown", detail))
        return again, later or problem

    @staticmethod
    def _sort(
        pending: list[str],
        refused: dict[str, tuple[int, bytes]],
        done: dict[str, Delivered],
        accepted: Delivered = Delivered("", "sent", "accepted"),
    ) -> tuple[list[str], str]:
        """Recipients not in `refused` get the `accepted` result; 5xx ones are refused; 4xx ones are returned to retry."""
        again: list[str] = []
        problem = ""
        for r in pending:
            if r not in refused:
                done[r] = Delivered(r, accepted.status, accepted.detail)
                continue
            code, text = refused[r]
            detail = f"{code} {_text(text)}"
            if 400 <= code < 500:
                again.append(r)
                problem = detail
            else:
                done[r] = Delivered(r, "refused", detail)
        return again, problem


def _text(raw: bytes | str, limit: int = 200) -> str:
    """Server text as one line of printable ASCII (anything else becomes '?'), at most `limit` characters."""
    s = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    s = " ".join("".join(c if " " <= c <= "~" else " " if c in "\t\r\n" else "?" for c in s[: limit * 4]).split())
    return s if len(s) <= limit else s[: limit - 3] + "..."


def _oserror(exc: BaseException) -> str:
    if isinstance(exc, _NoAnswer | socket.timeout | TimeoutError):
        return "the server did not answer in time"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "the server closed the connection"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({exc.strerror})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, OSError) and exc.strerror:
        return _text(exc.strerror)
    return _text(str(exc)) or type(exc).__name__
