"""`policybrief email`: .eml drafts that parse, and SMTP delivery against a real server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import email
import json
import os
import socket
from email import policy
from pathlib import Path

import pytest

from conftest import SEED, assert_user_error, run_cli

aiosmtpd = pytest.importorskip("aiosmtpd.controller")

ESSAY_DIR = "china-russia-partnership"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PB_SMTP")}
    env.update(SOURCE_DATE_EPOCH="1767225600", PB_SMTP_RETRY_WAIT="0", **extra)
    return env


def _eml(out: Path, audience: str) -> email.message.EmailMessage:
    data = (out / ESSAY_DIR / f"{ESSAY_DIR}-{audience}.eml").read_bytes()
    return email.message_from_bytes(data, policy=policy.default)


def _attachments(msg) -> dict[str, tuple[str, bytes]]:  # noqa: ANN001
    return {p.get_filename(): (p.get_content_type(), p.get_payload(decode=True)) for p in msg.iter_attachments()}


def _summary(audience: str) -> list[str]:
    proc = run_cli("summarize", str(SEED), "--audience", audience, "--json")
    assert proc.returncode == 0, proc.stderr
    return [s["text"] for s in json.loads(proc.stdout)["summary"]]


# ------------------------------------------------------------------------------------------------ drafts


def test_draft_parses_with_bodies_and_attachments(tmp_path):
    out = tmp_path / "out"
    proc = run_cli("email", str(SEED), "-a", "principals", "--to", "Jane Doé <jane@example.gov>", "--bcc", "chief@example.gov",
                   "--out", str(out), env=_env())
    assert proc.returncode == 0, proc.stderr
    msg = _eml(out, "principals")
    assert msg["X-Unsent"] == "1"
    assert msg["To"].addresses[0].display_name == "Jane Doé"
    assert msg["To"].addresses[0].addr_spec == "jane@example.gov"
    assert msg["Bcc"] == "chief@example.gov"
    assert "China's Partnership with Russia" in msg["Subject"] and "Bottom line for principals" in msg["Subject"]
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    flat = " ".join(text.split())
    for sentence in _summary("principals"):
        assert sentence in flat
        assert sentence.replace("'", "&#39;") in " ".join(html.split())
    assert "KEY JUDGMENTS" in text and "Key judgments" in html
    files = _attachments(msg)
    pdf, docx = f"{ESSAY_DIR}-principals.pdf", f"{ESSAY_DIR}-principals.docx"
    assert files[pdf][0] == "application/pdf"
    assert files[docx][0] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    for name, (_, data) in files.items():
        assert data == (out / ESSAY_DIR / name).read_bytes()


def test_draft_is_deterministic_and_other_audiences_differ(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        assert run_cli("email", str(SEED), "--out", str(out), env=_env()).returncode == 0
    names = sorted(p.name for p in (a / ESSAY_DIR).glob("*.eml"))
    assert len(names) == 5
    for n in names:
        assert (a / ESSAY_DIR / n).read_bytes() == (b / ESSAY_DIR / n).read_bytes(), n
    subjects = {str(_eml(a, n[len(ESSAY_DIR) + 1 : -4])["Subject"]) for n in names}
    assert len(subjects) == 5


def test_non_ascii_attachment_names_and_markdown(tmp_path):
    tdir = tmp_path / "t"
    (tdir / "audiences").mkdir(parents=True)
    (tdir / "audiences" / "principals.yaml").write_text(
        "id: principals\nextends: base\ntitle: Résumé pour décideurs\nfilename: 'Note für {profile}.{ext}'\n"
        "delivery:\n  to: ['Zoë <zoe@example.gov>']\n  attach: [pdf, md]\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    proc = run_cli("email", str(SEED), "-a", "principals", "--templates", str(tdir), "--out", str(out), env=_env())
    assert proc.returncode == 0, proc.stderr
    raw = (out / ESSAY_DIR / "Note für principals.eml").read_bytes()
    raw.decode("ascii")  # every header and body is 7-bit clean
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"].startswith("Résumé pour décideurs")
    files = _attachments(msg)
    assert set(files) == {"Note für principals.pdf", "Note für principals.md"}
    assert files["Note für principals.md"][0] == "text/markdown"
    for name, (_, data) in files.items():
        assert data == (out / ESSAY_DIR / name).read_bytes()


def test_essay_markup_is_escaped_and_body_templates_are_customisable(tmp_path):
    essay = tmp_path / "memo.txt"
    essay.write_text(
        "Overview\n\n"
        "The committee asked whether <T> claims & caveats survive the trip into an email body intact. "
        "A reviewer pasted <svg/onload=alert(1)> into the record of the meeting to test the tools. "
        "Analysts reviewed the record of cooperation between the two agencies over ten years of joint work. "
        "They found that the agencies shared data on a regular basis and met every quarter to compare notes.\n",
        encoding="utf-8",
    )
    tdir = tmp_path / "t"
    assert run_cli("templates", "init", str(tdir)).returncode == 0
    (tdir / "email" / "body.txt.j2").write_text("Summary for {{ profile.title }}:\n{{ brief.summary | join(' ') }}\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli("email", str(essay), "-a", "principals", "--templates", str(tdir), "--out", str(out), env=_env())
    assert proc.returncode == 0, proc.stderr
    msg = email.message_from_bytes((out / "memo" / "memo-principals.eml").read_bytes(), policy=policy.default)
    html = msg.get_body(("html",)).get_content()
    # (the reader removes real HTML tags such as <b> as reported clean-ups; these are text that looks like markup)
    assert "<svg" not in html and "&lt;svg/onload=alert(1)&gt;" in html
    assert "&lt;T&gt; claims &amp; caveats" in html
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith("Summary for Bottom line for principals:\n")
    assert "<T> claims & caveats" in text


def test_dry_run_writes_nothing(tmp_path):
    out = tmp_path / "out"
    proc = run_cli("email", str(SEED), "--dry-run", "--out", str(out), env=_env())
    assert proc.returncode == 0, proc.stderr
    assert "would be written" in proc.stdout
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--to", "jane@example.gov\nBcc: spy@evil.example"], "line break"),
        (["--to", "Jane\r\nBcc: spy@evil.example <jane@example.gov>"], "line break"),
        (["--to", "jane@"], "not a valid email address"),
        (["--to", "jane@example.gov, spy@evil.example"], "more than one address"),
        (["--sender", "not an address"], "--sender"),
    ],
)
def test_bad_addresses_are_one_line_errors(tmp_path, args, needle):
    out = tmp_path / "out"
    proc = run_cli("email", str(SEED), "-a", "principals", *args, "--out", str(out), env=_env())
    assert_user_error(proc, needle)
    assert not out.exists()


def test_subject_injection_and_bad_profile_address(tmp_path):
    tdir = tmp_path / "t"
    (tdir / "audiences").mkdir(parents=True)
    prof = tdir / "audiences" / "principals.yaml"
    prof.write_text('id: principals\nextends: base\ntitle: P\ndelivery:\n  subject: "Brief\\nBcc: spy@evil.example"\n')
    out = tmp_path / "out"
    proc = run_cli("email", str(SEED), "-a", "principals", "--templates", str(tdir), "--out", str(out), env=_env())
    assert_user_error(proc, "principals.yaml:5", "subject", "line break")
    prof.write_text("id: principals\nextends: base\ntitle: P\ndelivery:\n  to:\n    - ok@example.gov\n    - 'bad address'\n")
    proc = run_cli("email", str(SEED), "-a", "principals", "--templates", str(tdir), "--out", str(out), env=_env())
    assert_user_error(proc, "principals.yaml:7", "delivery.to[1]", "bad address")
    prof.write_text("id: principals\nextends: base\ntitle: P\ndelivery:\n  subject: '{{ brief.tittle }}'\n")
    proc = run_cli("email", str(SEED), "-a", "principals", "--templates", str(tdir), "--out", str(out), env=_env())
    assert_user_error(proc, "principals.yaml:5", "tittle")
    prof.write_text("id: principals\nextends: base\ntitle: P\ndelivery:\n  password: hunter2\n")
    proc = run_cli("email", str(SEED), "-a", "principals", "--templates", str(tdir), "--out", str(out), env=_env())
    assert_user_error(proc, "principals.yaml:5", "PB_SMTP_PASSWORD")
    assert not out.exists()


def test_missing_smtp_settings(tmp_path):
    out = tmp_path / "out"
    proc = run_cli("email", str(SEED), "--send", "--out", str(out), env=_env())
    assert_user_error(proc, "--smtp-host", "PB_SMTP_HOST")
    proc = run_cli("email", str(SEED), "--send", "--smtp-host", "mail.example.gov", "--smtp-user", "analyst", "--out", str(out), env=_env())
    assert_user_error(proc, "PB_SMTP_PASSWORD")
    proc = run_cli("email", str(SEED), "--send", "--smtp-host", "mail.example.gov", "--smtp-security", "none", "--smtp-user", "analyst",
                   "--out", str(out), env=_env(PB_SMTP_PASSWORD="x"))
    assert_user_error(proc, "unencrypted")
    assert not out.exists()


def test_attachment_budget_warns_or_fails_under_strict(tmp_path):
    out = tmp_path / "out"
    proc = run_cli("email", str(SEED), "-a", "principals", "--max-size", "0.05", "--out", str(out), env=_env())
    assert proc.returncode == 0
    assert "warning: principals: attachments total" in proc.stderr
    assert (out / ESSAY_DIR / f"{ESSAY_DIR}-principals.eml").exists()
    out2 = tmp_path / "out2"
    dry = run_cli("email", str(SEED), "-a", "principals", "-a", "congressional-staff", "--dry-run", "--json", env=_env())
    sizes = {r["audience"]: r["attachment_bytes"] for r in json.loads(dry.stdout)}
    assert sizes["principals"] < sizes["congressional-staff"]
    budget = (sizes["principals"] + sizes["congressional-staff"]) / 2 / 1024 / 1024
    proc = run_cli("email", str(SEED), "-a", "principals", "-a", "congressional-staff", "--max-size", f"{budget:.4f}", "--strict",
                   "--out", str(out2), env=_env())
    assert proc.returncode == 1
    assert "FAILED" in proc.stdout and "--strict" in proc.stdout
    assert not (out2 / ESSAY_DIR / f"{ESSAY_DIR}-congressional-staff.eml").exists()  # its files are over the budget
    assert (out2 / ESSAY_DIR / f"{ESSAY_DIR}-principals.eml").exists()


# ------------------------------------------------------------------------------------------------ SMTP


class Recorder:
    """aiosmtpd handler: keeps what it accepted; can refuse, delay or drop on cue."""

    def __init__(self, refuse: set[str] = frozenset(), busy_once: set[str] = frozenset(), drop_if: str | None = None) -> None:
        self.refuse = set(refuse)
        self.busy = set(busy_once)
        self.drop_if = drop_if
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.rcpt_attempts: dict[str, int] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201
        self.rcpt_attempts[address] = self.rcpt_attempts.get(address, 0) + 1
        if address in self.refuse:
            return "550 5.1.1 no such user here"
        if address in self.busy:
            self.busy.discard(address)
            return "451 4.3.0 mailbox busy, try again"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201
        if self.drop_if and self.drop_if.encode() in envelope.original_content:
            server.transport.close()
            return "421 gone"
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    started = []

    def start(handler: Recorder) -> int:
        port = _free_port()
        c = Controller(handler, hostname="127.0.0.1", port=port)
        c.start()
        started.append(c)
        return port

    yield start
    for c in started:
        c.stop()


def _send(out: Path, port: int, *args: str) -> object:
    return run_cli("email", str(SEED), "--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none",
                   "--retries", "1", "--out", str(out), *args, env=_env())


def test_send_delivers_to_every_recipient(tmp_path, smtp_server):
    rec = Recorder()
    port = smtp_server(rec)
    out = tmp_path / "out"
    proc = _send(out, port, "-a", "principals", "-a", "defense-planners", "--to", "a@example.gov", "--cc", "b@example.gov",
                 "--bcc", "c@example.gov", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert [d["status"] for r in report for d in r["recipients"]] == ["sent"] * 6
    assert len(rec.messages) == 2
    for mail_from, rcpts, raw in rec.messages:
        assert mail_from == "policybrief@localhost"
        assert rcpts == ["a@example.gov", "b@example.gov", "c@example.gov"]
        msg = email.message_from_bytes(raw, policy=policy.default)
        assert msg["Bcc"] is None and msg["X-Unsent"] is None
        assert msg["To"] == "a@example.gov" and msg["Cc"] == "b@example.gov"
        audience = "principals" if "principals" in msg["Subject"] else "defense-planners"
        record = _eml(out, audience)  # after sending, the .eml is the record of what was sent, no longer a draft
        assert record["X-Unsent"] is None and record["Bcc"] == "c@example.gov"
        assert msg["Subject"] == record["Subject"]
        assert msg.get_body(("plain",)).get_content() == record.get_body(("plain",)).get_content()
        files = _attachments(msg)
        assert len(files) == 2
        for name, (_, data) in files.items():
            assert data == (out / ESSAY_DIR / name).read_bytes()


def test_refused_recipient_is_reported_and_others_still_get_it(tmp_path, smtp_server):
    rec = Recorder(refuse={"gone@example.gov"})
    port = smtp_server(rec)
    proc = _send(tmp_path / "out", port, "-a", "principals", "--to", "a@example.gov", "--to", "gone@example.gov", "--json")
    assert proc.returncode == 1
    (res,) = json.loads(proc.stdout)
    assert res["recipients"] == [
        {"address": "a@example.gov", "status": "sent", "detail": "accepted"},
        {"address": "gone@example.gov", "status": "refused", "detail": "550 5.1.1 no such user here"},
    ]
    assert [m[1] for m in rec.messages] == [["a@example.gov"]]


def test_all_recipients_refused_sends_nothing(tmp_path, smtp_server):
    rec = Recorder(refuse={"gone@example.gov"})
    port = smtp_server(rec)
    proc = _send(tmp_path / "out", port, "-a", "principals", "--to", "gone@example.gov")
    assert proc.returncode == 1
    assert "REFUSED gone@example.gov" in proc.stdout and "SENT" not in proc.stdout
    assert rec.messages == []
    assert _eml(tmp_path / "out", "principals")["X-Unsent"] == "1"  # nothing went out: still a draft


def test_temporary_refusal_is_retried(tmp_path, smtp_server):
    rec = Recorder(busy_once={"a@example.gov"})
    port = smtp_server(rec)
    proc = _send(tmp_path / "out", port, "-a", "principals", "--to", "a@example.gov")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert rec.rcpt_attempts["a@example.gov"] == 2
    assert len(rec.messages) == 1


def test_dropped_connection_after_the_data_affects_that_message_only(tmp_path, smtp_server):
    rec = Recorder(drop_if="Bottom line for principals")
    port = smtp_server(rec)
    proc = _send(tmp_path / "out", port, "-a", "principals", "-a", "defense-planners", "-a", "asia-desk", "--to", "a@example.gov", "--json")
    assert proc.returncode == 1
    by_audience = {r["audience"]: r["recipients"] for r in json.loads(proc.stdout)}
    # The server hung up after the final dot: it may have kept the message, so it is reported, not sent again.
    assert by_audience["principals"][0]["status"] == "unknown"
    assert "closed the connection" in by_audience["principals"][0]["detail"]
    assert by_audience["defense-planners"][0]["status"] == "sent"
    assert by_audience["asia-desk"][0]["status"] == "sent"
    subjects = [email.message_from_bytes(m[2], policy=policy.default)["Subject"] for m in rec.messages]
    assert len(subjects) == 2 and not any("principals" in s for s in subjects)


def test_server_without_starttls_or_unreachable_is_a_clear_error(tmp_path, smtp_server):
    port = smtp_server(Recorder())
    out = tmp_path / "out"
    proc = run_cli("email", str(SEED), "--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--out", str(out), env=_env())
    assert_user_error(proc, "STARTTLS", f"127.0.0.1:{port}")
    closed = _free_port()
    proc = run_cli("email", str(SEED), "--send", "--smtp-host", "127.0.0.1", "--smtp-port", str(closed), "--smtp-security", "none",
                   "--out", str(out), env=_env())
    assert_user_error(proc, "cannot connect", "connection refused")
    assert not out.exists()


# ------------------------------------------------------------------------------------------------ TLS and login


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1; clients trust it through SSL_CERT_FILE."""
    import shutil
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem"),
         "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return d / "cert.pem", d / "key.pem"


def _server_context(cert: Path, key: Path):  # noqa: ANN202
    import ssl

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(cert), str(key))
    return ctx


def _check_login(server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN202
    from aiosmtpd.smtp import AuthResult

    return AuthResult(success=(auth_data.login, auth_data.password) == (b"analyst", b"s3cret"))


def _tls_send(out: Path, port: int, security: str, cert: Path | None, password: str, *args: str):  # noqa: ANN202
    env = _env(PB_SMTP_PASSWORD=password)
    if cert is not None:
        env["SSL_CERT_FILE"] = str(cert)
    return run_cli("email", str(SEED), "-a", "principals", "--to", "a@example.gov", "--send", "--smtp-host", "127.0.0.1",
                   "--smtp-port", str(port), "--smtp-security", security, "--smtp-user", "analyst", "--retries", "0",
                   "--out", str(out), *args, env=env)


def test_starttls_with_login(tmp_path, tls_files):
    from aiosmtpd.controller import Controller

    cert, key = tls_files
    rec = Recorder()
    port = _free_port()
    c = Controller(rec, hostname="127.0.0.1", port=port, tls_context=_server_context(cert, key), require_starttls=True,
                   authenticator=_check_login, auth_require_tls=True)
    c.start()
    try:
        proc = _tls_send(tmp_path / "ok", port, "starttls", cert, "s3cret")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert len(rec.messages) == 1 and rec.messages[0][1] == ["a@example.gov"]
        proc = _tls_send(tmp_path / "bad", port, "starttls", cert, "wrong")
        assert_user_error(proc, "login failed for 'analyst'")
        assert not (tmp_path / "bad").exists()
        proc = _tls_send(tmp_path / "untrusted", port, "starttls", None, "s3cret")
        assert_user_error(proc, "TLS failed")
        assert len(rec.messages) == 1
    finally:
        c.stop()


def test_implicit_tls(tmp_path, tls_files):
    from aiosmtpd.controller import Controller

    cert, key = tls_files
    rec = Recorder()
    port = _free_port()
    # aiosmtpd counts only STARTTLS as TLS for AUTH; on an implicit-TLS socket the session is encrypted anyway.
    c = Controller(rec, hostname="127.0.0.1", port=port, ssl_context=_server_context(cert, key), authenticator=_check_login,
                   auth_require_tls=False)
    c.start()
    try:
        proc = _tls_send(tmp_path / "ok", port, "tls", cert, "s3cret")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert len(rec.messages) == 1
    finally:
        c.stop()
