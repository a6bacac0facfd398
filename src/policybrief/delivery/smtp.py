"""SMTP delivery: one connection for the run, STARTTLS or implicit TLS, per-recipient results, retries.

Nothing is reported as sent unless the server accepted that recipient and then the message data. Temporary
failures (4xx replies, dropped or refused connections, timeouts) are retried with a growing wait; permanent ones
(5xx) are reported at once. A problem with one message never stops the others.
"""

from __future__ import annotations

import ipaddress
import os
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal

from policybrief.errors import DeliveryError

Security = Literal["starttls", "tls", "none"]
DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "tls": 465, "none": 25}
PASSWORD_ENV = "PB_SMTP_PASSWORD"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: Security = "starttls"
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0
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
    status: Literal["sent", "refused", "failed"]
    """sent: accepted by the server; refused: a permanent 5xx; failed: temporary trouble that outlasted the retries."""
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
    if any(c in host for c in "/@ \t\r\n"):
        raise DeliveryError(f"SMTP host '{host}' is not a host name (give the name only; the port goes in --smtp-port)")
    port = port or DEFAULT_PORTS[security]
    if not 0 < port < 65536:
        raise DeliveryError(f"SMTP port {port} is out of range")
    password = None
    if user:
        if security == "none" and not _loopback(host):
            raise DeliveryError(
                f"refusing to send the SMTP password for '{user}' unencrypted to {host}; use --smtp-security starttls or tls"
            )
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if prompt is None:
                raise DeliveryError(f"SMTP user '{user}' has no password: set {PASSWORD_ENV} (passwords are never read from files or options)")
            password = prompt(f"SMTP password for {user}@{host}: ")
    return SmtpSettings(host, port, security, user or None, password, timeout, max(0, retries), max(0.0, retry_wait))  # type: ignore[arg-type]


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Temporary(Exception):
    pass


class Sender:
    """An SMTP session that reconnects when the server drops it. Use as a context manager."""

    def __init__(self, cfg: SmtpSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        self.cfg = cfg
        self.sleep = sleep
        self.conn: smtplib.SMTP | None = None

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
                conn: smtplib.SMTP = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout, context=ctx)
            else:
                conn = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
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
            try:
                self.open()
                assert self.conn is not None
                refused = self.conn.send_message(msg, from_addr=sender, to_addrs=pending)
                pending, problem = self._sort(pending, refused, done)
            except smtplib.SMTPRecipientsRefused as exc:
                pending, problem = self._sort(pending, exc.recipients, done)
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
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
    def _sort(pending: list[str], refused: dict, done: dict[str, Delivered]) -> tuple[list[str], str]:  # type: ignore[type-arg]
        again, problem = [], ""
        for r in pending:
            if r not in refused:
                done[r] = Delivered(r, "sent", "accepted")
                continue
            code, text = refused[r]
            detail = f"{code} {_text(text)}"
            if 400 <= code < 500:
                again.append(r)
                problem = detail
            else:
                done[r] = Delivered(r, "refused", detail)
        return again, problem


def _text(raw: bytes | str) -> str:
    s = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return " ".join(s.split())


def _oserror(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "the server closed the connection"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "the server did not answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({exc.strerror})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
