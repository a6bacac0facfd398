"""Hostile and unlucky inputs: each is one line on stderr and exit code 2 (or a clear per-message status), fast, with
nothing half-written. Fixtures are generated here; SMTP cases run against a scripted server on 127.0.0.1."""

from __future__ import annotations

import email
import io
import json
import os
import socket
import struct
import threading
import time
import zipfile
from email import policy
from pathlib import Path

import pytest

from conftest import SEED, assert_user_error, run_cli
from policybrief.errors import DeliveryError, InputError
from policybrief.lang.words import count_words
from policybrief.readers import read_essay

ESSAY_DIR = "china-russia-partnership"
FAST = 30  # seconds: every case here is refused in well under this; a hang fails the test instead of the suite


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PB_SMTP", "SOURCE_DATE_EPOCH"))}
    env.update(PB_SMTP_RETRY_WAIT="0", **extra)
    return env


def _refused(tmp_path: Path, *args: str, env: dict[str, str] | None = None, needles: tuple[str, ...] = ()) -> str:
    """Run a command that must fail up front: exit 2, one line, no traceback, no output folder."""
    out = tmp_path / "out"
    proc = run_cli(*args, "--out", str(out), env=env or _env(), timeout=FAST)
    assert_user_error(proc, *needles)
    assert not out.exists()
    return proc.stderr.strip()


def _essay(tmp_path: Path, name: str = "essay.txt") -> Path:
    p = tmp_path / name
    p.write_bytes(SEED.read_bytes())
    return p


# ------------------------------------------------------------------------------------------------ essay files


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_essay_linked_to_a_device_is_refused_without_reading(tmp_path, target):
    if not os.path.exists(target):
        pytest.skip(f"no {target}")
    link = tmp_path / "essay.txt"
    link.symlink_to(target)
    _refused(tmp_path, "build", str(link), needles=("essay.txt", "character device", "not a regular file"))


@pytest.mark.parametrize("name", ["essay.txt", "essay.md", "essay.docx"])
def test_essay_that_is_a_fifo_does_not_hang(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    _refused(tmp_path, "build", str(fifo), needles=(name, "FIFO"))
    assert_user_error(run_cli("inspect", str(fifo), timeout=FAST), "FIFO")


def test_essay_that_is_a_socket_is_refused(tmp_path):
    path = tmp_path / "essay.txt"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        _refused(tmp_path, "build", str(path), needles=("socket",))


def test_unreadable_essay_is_one_line(tmp_path):
    # /proc/self/mem is a "regular" file that fails on read, even for root.
    if not os.path.exists("/proc/self/mem"):
        pytest.skip("no /proc")
    link = tmp_path / "essay.txt"
    link.symlink_to("/proc/self/mem")
    _refused(tmp_path, "build", str(link), needles=("essay.txt", "cannot read the file"))
    assert_user_error(run_cli("email", str(link), "--out", str(tmp_path / "o"), env=_env(), timeout=FAST), "cannot read the file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without read permission")
def test_essay_without_read_permission_is_one_line(tmp_path):
    p = _essay(tmp_path)
    p.chmod(0)
    try:
        _refused(tmp_path, "build", str(p), needles=("essay.txt", "permission denied"))
    finally:
        p.chmod(0o644)


def test_read_is_bounded_even_when_the_size_lies(tmp_path, monkeypatch):
    """Only MAX_BYTES + 1 bytes are ever read: a file that grows after its size was checked is still refused."""
    import policybrief.fileio as fileio

    p = tmp_path / "essay.txt"
    p.write_bytes(b"word " * 100)  # small when checked, endless when read (like a file being appended to)
    calls: list[int] = []

    def endless(fd: int, n: int) -> bytes:
        calls.append(n)
        return b"x" * n

    monkeypatch.setattr(fileio.os, "read", endless)
    with pytest.raises(InputError, match="larger than"):
        fileio.read_limited(p, 4096, InputError)
    assert sum(calls) == 4097


@pytest.mark.parametrize(("codec", "bom"), [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-32-le", b"\xff\xfe\x00\x00")])
def test_utf16_and_utf32_with_a_bom_are_decoded(tmp_path, codec, bom):
    text = SEED.read_text(encoding="utf-8")
    p = tmp_path / "essay.txt"
    p.write_bytes(bom + text.encode(codec))
    doc = read_essay(p)
    assert doc.words == read_essay(SEED).words
    assert any("UTF-" in n and "byte order mark" in n for n in doc.notes)
    proc = run_cli("summarize", str(p), "--sentences", "2", timeout=FAST)
    assert proc.returncode == 0, proc.stderr


def test_broken_utf16_is_one_line(tmp_path):
    p = tmp_path / "essay.txt"
    p.write_bytes(b"\xff\xfe" + "Some words".encode("utf-16-le") + b"\x00\xd8")  # a lone surrogate
    assert_user_error(run_cli("inspect", str(p), timeout=FAST), "essay.txt", "UTF-16")


# ------------------------------------------------------------------------------------------------ sidecars and front matter


def test_unreadable_sidecar_is_one_line(tmp_path):
    essay = _essay(tmp_path)
    side = tmp_path / "essay.yaml"
    side.symlink_to("/proc/self/mem")
    _refused(tmp_path, "build", str(essay), needles=("essay.yaml", "cannot read the file"))


def test_sidecar_permission_error_is_one_line(tmp_path, monkeypatch):
    import policybrief.fileio as fileio

    essay = _essay(tmp_path)
    (tmp_path / "essay.yaml").write_text("title: T\n")

    real_open = os.open

    def denied(path, *a, **k):  # noqa: ANN001, ANN002, ANN003, ANN202 - only the sidecar is unreadable
        if str(path).endswith(".yaml"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *a, **k)

    monkeypatch.setattr(fileio.os, "open", denied)
    with pytest.raises(InputError, match="permission denied") as err:
        read_essay(essay)
    assert "essay.yaml" in str(err.value)


def test_sidecar_that_is_a_fifo_does_not_hang(tmp_path):
    essay = _essay(tmp_path)
    os.mkfifo(tmp_path / "essay.yaml")
    _refused(tmp_path, "build", str(essay), needles=("essay.yaml", "FIFO"))


def _alias_bomb(levels: int = 9, width: int = 9, key: str = "a") -> str:
    lines = [f"{key}0: &{key}0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"{key}{i}: &{key}{i} [" + ", ".join([f"*{key}{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_in_front_matter(tmp_path):
    bomb = _alias_bomb()
    assert len(bomb) < 600
    p = tmp_path / "essay.md"
    p.write_text("---\ntitle: T\n" + bomb + "---\n\n# T\n\nSome words in a paragraph.\n", encoding="utf-8")
    t = time.monotonic()
    _refused(tmp_path, "build", str(p), needles=("essay.md:", "front matter", "aliases expand"))
    assert time.monotonic() - t < 10


def test_alias_bomb_and_duplicate_keys_in_sidecar(tmp_path):
    essay = _essay(tmp_path)
    side = tmp_path / "essay.yaml"
    side.write_text("title: T\n" + _alias_bomb(), encoding="utf-8")
    _refused(tmp_path, "build", str(essay), needles=("essay.yaml:", "aliases expand"))
    side.write_text("title: T\nauthor: A\ntitle: U\n", encoding="utf-8")
    _refused(tmp_path, "build", str(essay), needles=("essay.yaml:3", "duplicate key 'title' (lines 1 and 3)"))


def test_yaml_bounds_in_process():
    from policybrief import yamlio

    for text, needle in [
        (_alias_bomb(), "aliases expand"),
        ("a: &x [*x]\n", "recursive alias"),
        ("x: " + "[" * 150 + "]" * 150 + "\n", "nested more than"),
        ("a: 1\nb: 2\na: 3\n", "duplicate key 'a' (lines 1 and 3)"),
        ("{a: 1, a: 2}\n", "duplicate key 'a' (line 1)"),
        ("k: " + "x" * (yamlio.MAX_CHARS + 1) + "\n", "larger than"),
    ]:
        for load in (yamlio.load, yamlio.load_with_lines):
            with pytest.raises(yamlio.YamlSyntaxError, match=needle.replace("(", r"\(").replace(")", r"\)")):
                load(text)
    # Shared blocks and merge keys stay fine.
    data, lines = yamlio.load_with_lines("base: &b {x: 1, y: 2}\nover:\n  <<: *b\n  y: 3\n")
    assert data == {"base": {"x": 1, "y": 2}, "over": {"x": 1, "y": 3}}
    assert lines[("over", "y")] == 4


# ------------------------------------------------------------------------------------------------ Markdown nesting


def _markdown_words(doc_text: str) -> int:
    return count_words(doc_text.split("\n", 2)[2])  # less the "# Title" line, which becomes the title


def test_deep_blockquote_loses_no_word(tmp_path):
    text = ("# Title\n\n## Overview\n\nThe first paragraph has some ordinary words in it for the reader.\n\n"
            + ">" * 5000 + " These words sit very deep inside nested quotes and must not be lost by the reader at all.\n\n"
            + "## After\n\nA closing paragraph follows the quote with a few more words.\n")
    p = tmp_path / "quote.md"
    p.write_text(text, encoding="utf-8")
    doc = read_essay(p)
    assert doc.words == _markdown_words(text)
    assert [s.title for s in doc.walk()] == ["Overview", "After"]


@pytest.mark.parametrize("depth", [40, 300])
def test_deep_list_loses_no_word(tmp_path, depth):
    lines = ["# Title", "", "## Findings", ""]
    for i in range(depth):
        lines.append("  " * i + f"- Item at level {i} says something about the partnership between the two states here.")
    lines += ["", "## After", "", "A closing paragraph follows the list with a few more words."]
    text = "\n".join(lines) + "\n"
    p = tmp_path / "list.md"
    p.write_text(text, encoding="utf-8")
    doc = read_essay(p)
    assert doc.words == _markdown_words(text)
    assert [s.title for s in doc.walk()] == ["Findings", "After"]


@pytest.mark.parametrize("prefix", ["- ", "> - ", "1. "])
def test_deep_one_line_nesting_loses_no_word(tmp_path, prefix):
    text = "# Title\n\n## A\n\n" + prefix * 3000 + "deep words here\n\n## B\n\nThe end of it all.\n"
    p = tmp_path / "one.md"
    p.write_text(text, encoding="utf-8")
    doc = read_essay(p)
    assert doc.words == _markdown_words(text) - (3000 if prefix == "1. " else 0)  # "1." counts as a word in the source
    assert [s.title for s in doc.walk()] == ["A", "B"]


# ------------------------------------------------------------------------------------------------ .docx packages


def _docx_bytes(document_xml: bytes | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    import docx

    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("A paragraph with enough words to be an essay of sorts.")
    d.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml" and document_xml is not None:
                data = document_xml
            z.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def test_docx_zip_bomb_is_refused_up_front(tmp_path):
    p = tmp_path / "bomb.docx"
    p.write_bytes(_docx_bytes(extra={"word/media/fill.bin": b"\0" * (200 * 2**20)}))
    assert p.stat().st_size < 2 * 2**20
    _refused(tmp_path, "build", str(p), needles=("bomb.docx", "unpacks to more than"))


def test_docx_with_lying_sizes_is_refused(tmp_path):
    data = bytearray(_docx_bytes(extra={"word/media/fill.bin": b"\0" * (8 * 2**20)}))
    name = b"word/media/fill.bin"
    # Shrink the declared size in the local header and in the directory: zipfile alone would inflate it all.
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = data.find(sig)
        while pos >= 0:
            head = 30 if sig == b"PK\x03\x04" else 46
            n = struct.unpack_from("<H", data, pos + (26 if sig == b"PK\x03\x04" else 28))[0]
            if bytes(data[pos + head : pos + head + n]) == name:
                struct.pack_into("<I", data, pos + size_at, 100)
            pos = data.find(sig, pos + 4)
    p = tmp_path / "liar.docx"
    p.write_bytes(bytes(data))
    _refused(tmp_path, "build", str(p), needles=("liar.docx", "damaged or forged"))


def test_docx_with_too_many_entries_is_refused(tmp_path):
    p = tmp_path / "many.docx"
    p.write_bytes(_docx_bytes(extra={f"junk/{i}": b"" for i in range(6000)}))
    _refused(tmp_path, "build", str(p), needles=("many.docx", "more than 5,000 files"))


def test_docx_without_body_is_one_line(tmp_path):
    p = tmp_path / "nobody.docx"
    p.write_bytes(_docx_bytes(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'))
    _refused(tmp_path, "build", str(p), needles=("nobody.docx", "no <w:body>"))


def test_honest_docx_still_reads(tmp_path):
    p = tmp_path / "ok.docx"
    p.write_bytes(_docx_bytes())
    assert read_essay(p).words == 11


# ------------------------------------------------------------------------------------------------ profiles


def _profile(tdir: Path, name: str, text: str) -> Path:
    (tdir / "audiences").mkdir(parents=True, exist_ok=True)
    p = tdir / "audiences" / name
    p.write_text(text, encoding="utf-8")
    return p


def test_profile_alias_bomb_is_refused_at_once(tmp_path):
    tdir = tmp_path / "t"
    _profile(tdir, "bomb.yaml", "id: bomb\nextends: base\ntitle: B\nfocus:\n  x: 1\nnotes:\n" + "".join("  " + ln + "\n" for ln in _alias_bomb().splitlines()))
    t = time.monotonic()
    _refused(tmp_path, "build", str(SEED), "-a", "bomb", "--templates", str(tdir), needles=("bomb.yaml:", "aliases expand"))
    assert time.monotonic() - t < 10


def test_profile_duplicate_keys_name_both_lines(tmp_path):
    tdir = tmp_path / "t"
    _profile(tdir, "dup.yaml", "id: dup\nextends: base\ntitle: A\nbudget: {max_words: 300}\ntitle: B\n")
    _refused(tmp_path, "build", str(SEED), "-a", "dup", "--templates", str(tdir), needles=("dup.yaml:5", "duplicate key 'title' (lines 3 and 5)"))


def test_long_extends_chain_is_an_error_not_a_recursion_error(tmp_path):
    tdir = tmp_path / "t"
    n = 1500
    for i in range(n):
        parent = f"p{i + 1}" if i + 1 < n else "base"
        _profile(tdir, f"p{i}.yaml", f"id: p{i}\nextends: {parent}\ntitle: P{i}\n")
    # The error points at the `extends` that the chain cannot follow, and names where the chain started.
    _refused(tmp_path, "build", str(SEED), "-a", "p0", "--templates", str(tdir), needles=("p19.yaml:2", "extends", "longer than 20", "p0 -> p1"))


def test_extends_chain_within_the_bound_works(tmp_path):
    tdir = tmp_path / "t"
    for i in range(18):
        parent = f"p{i + 1}" if i + 1 < 18 else "base"
        _profile(tdir, f"p{i}.yaml", f"id: p{i}\nextends: {parent}\ntitle: P{i}\n")
    proc = run_cli("audiences", "show", "p0", "--templates", str(tdir), timeout=FAST)
    assert proc.returncode == 0, proc.stderr


def test_two_files_with_one_id_in_a_folder(tmp_path):
    tdir = tmp_path / "t"
    _profile(tdir, "first.yaml", "id: twin\nextends: base\ntitle: A\n")
    _profile(tdir, "second.yaml", "id: twin\nextends: base\ntitle: B\n")
    line = _refused(tmp_path, "build", str(SEED), "--templates", str(tdir), needles=("twin",))
    assert "first.yaml" in line and "second.yaml" in line
    # A user profile overriding a packaged one by id is intended.
    (tdir / "audiences" / "second.yaml").write_text("id: principals\nextends: base\ntitle: Mine\n", encoding="utf-8")
    proc = run_cli("audiences", "show", "principals", "--templates", str(tdir), timeout=FAST)
    assert proc.returncode == 0 and "title: Mine" in proc.stdout


@pytest.mark.parametrize(
    "pattern",
    ["'{essay:x>20000000}.{ext}'", "'{essay!r}.{ext}'", "'{essay.__class__}.{ext}'", "'{essay[0]}.{ext}'", "'{essay}-{profile}'",
     "'{}.{ext}'", "'{nope}.{ext}'", "'" + "a" * 300 + ".{ext}'", "'{essay'"],
)
def test_filename_patterns_are_plain(tmp_path, pattern):
    tdir = tmp_path / "t"
    _profile(tdir, "f.yaml", f"id: f\nextends: base\ntitle: F\nfilename: {pattern}\n")
    line = _refused(tmp_path, "build", str(SEED), "-a", "f", "--templates", str(tdir), needles=("f.yaml:4", "filename"))
    assert len(line) < 400


@pytest.mark.parametrize("weight", [".nan", ".inf", "-.inf", "-1", "101", "1e308"])
def test_focus_weights_are_finite_and_bounded(tmp_path, weight):
    tdir = tmp_path / "t"
    _profile(tdir, "w.yaml", f"id: w\nextends: base\ntitle: W\nfocus:\n  energy: {weight}\n")
    line = _refused(tmp_path, "build", str(SEED), "-a", "w", "--templates", str(tdir), needles=("w.yaml:5", "focus.energy"))
    assert "Warning" not in line


@pytest.mark.parametrize(
    ("key_text", "line", "key"),
    [
        ('marking: "SECRET\\x1b[2J"', 4, "marking"),
        ('subtitle: "a\\x07b"', 4, "subtitle"),
        ('audience: "x\\u2028y"', 4, "audience"),
        ('summary: {title: "S\\x00"}', 4, "summary.title"),
        ('tables: {titles: {limitations: "L\\x1b"}}', 4, "tables.titles"),
        ('focus: {"oil\\x1b[31m": 2}', 4, "focus"),
    ],
)
def test_control_characters_in_profile_text(tmp_path, key_text, line, key):
    tdir = tmp_path / "t"
    _profile(tdir, "c.yaml", f"id: c\nextends: base\ntitle: C\n{key_text}\n")
    out = _refused(tmp_path, "build", str(SEED), "-a", "c", "--templates", str(tdir), needles=(f"c.yaml:{line}", key, "control character"))
    assert "\x1b" not in out and "\x00" not in out and "\x07" not in out


def test_control_character_in_title(tmp_path):
    tdir = tmp_path / "t"
    _profile(tdir, "c.yaml", 'id: c\nextends: base\ntitle: "T\\x1b[2J"\n')
    _refused(tmp_path, "build", str(SEED), "-a", "c", "--templates", str(tdir), needles=("c.yaml:3", "title", "control character"))


@pytest.mark.parametrize("kind", ["fifo", "zero", "big"])
def test_profile_file_must_be_a_small_regular_file(tmp_path, kind):
    tdir = tmp_path / "t"
    (tdir / "audiences").mkdir(parents=True)
    p = tdir / "audiences" / "odd.yaml"
    if kind == "fifo":
        os.mkfifo(p)
    elif kind == "zero":
        p.symlink_to("/dev/zero")
    else:
        p.write_text("id: odd\ntitle: O\ndescription: '" + "x" * (2 * 2**20) + "'\n")
    needle = {"fifo": "FIFO", "zero": "character device", "big": "refused"}[kind]
    _refused(tmp_path, "build", str(SEED), "--templates", str(tdir), needles=("odd.yaml", needle))


# ------------------------------------------------------------------------------------------------ templates


def test_subject_that_builds_a_huge_string_fails_at_once(tmp_path):
    tdir = tmp_path / "t"
    _profile(tdir, "principals.yaml", "id: principals\nextends: base\ntitle: P\ndelivery:\n  subject: '{{ \"a\" * 300000000 }}'\n")
    t = time.monotonic()
    _refused(tmp_path, "email", str(SEED), "-a", "principals", "--templates", str(tdir), needles=("principals.yaml:5", "sandbox"))
    assert time.monotonic() - t < 10


@pytest.mark.parametrize(
    "source",
    [
        '{{ "a" * 300000000 }}', "{{ [0] * 300000000 }}", "{{ 10 ** 100000000 }}", '{{ "%300000000s" % "a" }}',
        '{{ "%300000000s"|format("a") }}', '{{ "{:>300000000}".format("a") }}', '{{ "a".ljust(300000000) }}',
        '{{ "a"|center(300000000) }}', '{{ ("a" * 900000)|replace("a", "aaaa") }}', "{% for i in range(10000000) %}{% endfor %}",
        '{% for i in range(10000) %}{{ "x" * 1000 }}{% endfor %}', "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
        "{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10) %}{% endfor %}{% endfor %}{% endfor %}",
    ],
)
def test_sandbox_bounds_what_templates_build(source):
    from policybrief.delivery.templating import render

    t = time.monotonic()
    with pytest.raises(DeliveryError) as err:
        render(source, {}, where="t.j2")
    assert time.monotonic() - t < 5
    assert str(err.value).startswith("t.j2")
    assert len(str(err.value)) < 300


def test_sandbox_leaves_ordinary_templates_alone():
    from policybrief.delivery.templating import render

    out = render('{{ p.title|upper }} {{ "%5s"|format("a") }} {{ ["a", "b"]|join(", ") }} {{ "-" * 3 }} {{ "{:>4}".format(1) }}',
                 {"p": {"title": "t"}}, where="t")
    assert out == "T     a a, b ---    1"


# ------------------------------------------------------------------------------------------------ command line


def test_source_date_epoch_out_of_range(tmp_path):
    for epoch in ("253402300800", "4354819200", "9" * 5000):
        line = _refused(tmp_path, "build", str(SEED), "-a", "principals", env=_env(SOURCE_DATE_EPOCH=epoch), needles=("SOURCE_DATE_EPOCH",))
        assert len(line) < 200


@pytest.mark.parametrize("jobs", ["0", "-1"])
def test_jobs_out_of_range_is_one_line(tmp_path, jobs):
    line = _refused(tmp_path, "build", str(SEED), "--jobs", jobs, needles=("--jobs",))
    assert line.startswith("policybrief: error:")


def test_usage_errors_are_one_line(tmp_path):
    assert_user_error(run_cli("build", str(SEED), "--no-such-option", timeout=FAST), "--no-such-option")
    assert_user_error(run_cli("build", timeout=FAST), "Missing argument")
    assert_user_error(run_cli("nosuchcommand", timeout=FAST), "nosuchcommand")
    assert run_cli("--help", timeout=FAST).returncode == 0
    assert run_cli("build", "--help", timeout=FAST).returncode == 0
    version = run_cli("--version", timeout=FAST)
    assert version.returncode == 0 and version.stdout.startswith("policybrief ")
    bare = run_cli(timeout=FAST)
    assert bare.returncode == 2 and "Usage" in bare.stdout + bare.stderr


def test_newline_in_path_or_audience_is_shown_escaped(tmp_path):
    line = _refused(tmp_path, "build", str(tmp_path / "a\nb.txt"), needles=("a\\nb.txt", "no such file"))
    assert "\n" not in line
    _refused(tmp_path, "build", str(SEED), "-a", "prin\ncipals", needles=("prin\\ncipals", "unknown audience"))


@pytest.mark.parametrize(
    ("args", "env", "needle"),
    [
        (["--smtp-port", "0"], {}, "out of range"),
        (["--smtp-port", "70000"], {}, "out of range"),
        ([], {"PB_SMTP_PORT": "abc"}, "PB_SMTP_PORT"),
        (["--smtp-host", "a..b"], {}, "not a valid host name"),
        (["--smtp-host", "x" * 64 + ".example"], {}, "not a valid host name"),
        (["--smtp-host", "mail.example.gov:25"], {}, "not a valid host name"),
    ],
)
def test_bad_smtp_settings_are_one_line(tmp_path, args, env, needle):
    base = ["--smtp-host", "127.0.0.1"] if "--smtp-host" not in args else []
    _refused(tmp_path, "email", str(SEED), "-a", "principals", "--send", "--smtp-security", "none", *base, *args,
             env=_env(**env), needles=(needle,))


# ------------------------------------------------------------------------------------------------ addresses


def test_encoded_display_name_cannot_add_recipients(tmp_path):
    out = tmp_path / "out"
    # "evil@x.y>, <" encoded as an RFC 2047 word: left encoded, it decodes into an extra recipient when read back.
    proc = run_cli("email", str(SEED), "-a", "principals", "--to", "=?utf-8?b?ZXZpbEB4Lnk+LCA8?= <jane@example.gov>",
                   "--cc", "=?utf-8?q?Zo=C3=AB?= <zoe@example.gov>", "--out", str(out), env=_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    msg = email.message_from_bytes((out / ESSAY_DIR / f"{ESSAY_DIR}-principals.eml").read_bytes(), policy=policy.default)
    assert [a.addr_spec for a in msg["To"].addresses] == ["jane@example.gov"]
    assert [(a.display_name, a.addr_spec) for a in msg["Cc"].addresses] == [("Zoë", "zoe@example.gov")]


@pytest.mark.parametrize(
    ("address", "needle"),
    [
        ("=?utf-8?q?a=0D=0ABcc=3A_spy=40evil=2Eexample?= <jane@example.gov>", "line break"),
        ("=?utf-8?q?a=1Bb?= <jane@example.gov>", "control character"),
        ("=?x-nosuch?q?abc?= <jane@example.gov>", "malformed encoded word"),
    ],
)
def test_encoded_display_names_are_checked(tmp_path, address, needle):
    _refused(tmp_path, "email", str(SEED), "-a", "principals", "--to", address, needles=("--to[0]", needle))


# ------------------------------------------------------------------------------------------------ SMTP


class ScriptedSmtp:
    """A tiny SMTP server on 127.0.0.1 that follows a script: how to greet, and what to do after the final dot."""

    def __init__(self, greeting: bytes = b"220 test ESMTP\r\n", after_data: str = "ok", drop_before_data: int = 0) -> None:
        self.greeting = greeting
        self.after_data = after_data  # ok | drop | silent | garbage
        self.drop_before_data = drop_before_data  # drop this many sessions at DATA, before taking any data
        self.messages: list[bytes] = []
        self.sessions = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        self.sessions += 1
        f = conn.makefile("rb")
        try:
            if self.greeting:
                conn.sendall(self.greeting)
            else:
                self.stop.wait(30)
                return
            while line := f.readline():
                cmd = line[:4].upper()
                if cmd in (b"EHLO", b"HELO"):
                    conn.sendall(b"250-test\r\n250 8BITMIME\r\n")
                elif cmd in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                    conn.sendall(b"250 OK\r\n")
                elif cmd == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                elif cmd == b"DATA":
                    if self.drop_before_data > 0:
                        self.drop_before_data -= 1
                        return
                    conn.sendall(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    body = b""
                    while (chunk := f.readline()) and chunk != b".\r\n":
                        body += chunk
                    self.messages.append(body)
                    if self.after_data == "drop":
                        return
                    if self.after_data == "silent":
                        self.stop.wait(30)
                        return
                    conn.sendall(b"\x1b[2J\xff\xfe not smtp\r\n" if self.after_data == "garbage" else b"250 2.0.0 queued\r\n")
                else:
                    conn.sendall(b"500 what\r\n")
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def scripted():
    servers: list[ScriptedSmtp] = []

    def start(**kw) -> ScriptedSmtp:  # noqa: ANN003
        s = ScriptedSmtp(**kw)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.close()


def _send(out: Path, port: int, *args: str):  # noqa: ANN202
    return run_cli("email", str(SEED), "-a", "principals", "--to", "a@example.gov", "--send", "--smtp-host", "127.0.0.1",
                   "--smtp-port", str(port), "--smtp-security", "none", "--retries", "2", "--json", "--out", str(out), *args,
                   env=_env(SOURCE_DATE_EPOCH="1767225600"), timeout=120)


@pytest.mark.parametrize("after", ["drop", "garbage"])
def test_message_whose_final_dot_went_out_is_never_sent_twice(tmp_path, scripted, after):
    server = scripted(after_data=after)
    out = tmp_path / "out"
    proc = _send(out, server.port)
    assert proc.returncode == 1, proc.stderr
    assert len(server.messages) == 1  # not retried into a duplicate
    (res,) = json.loads(proc.stdout)
    (rcpt,) = res["recipients"]
    assert rcpt["status"] == "unknown"
    assert "delivery unknown" in rcpt["detail"] and ("354" in rcpt["detail"] if after == "drop" else "not smtp" in rcpt["detail"])
    assert all(" " <= c <= "~" for c in rcpt["detail"])
    record = email.message_from_bytes((out / ESSAY_DIR / f"{ESSAY_DIR}-principals.eml").read_bytes(), policy=policy.default)
    assert record["X-Unsent"] is None  # the record of what was (probably) sent, not a draft to send again
    table = run_cli("email", str(SEED), "-a", "principals", "--to", "a@example.gov", "--send", "--smtp-host", "127.0.0.1",
                    "--smtp-port", str(scripted(after_data=after).port), "--smtp-security", "none", "--out", str(tmp_path / "o2"),
                    env=_env(), timeout=120)
    assert table.returncode == 1 and "UNKNOWN" in table.stdout and "1 unknown" in table.stdout


def test_drop_before_the_data_is_retried_and_delivered_once(tmp_path, scripted):
    server = scripted(drop_before_data=1)
    proc = _send(tmp_path / "out", server.port)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(server.messages) == 1
    assert json.loads(proc.stdout)[0]["recipients"][0]["status"] == "sent"


def _sender(port: int, **kw):  # noqa: ANN003, ANN202
    from policybrief.delivery.smtp import Sender, SmtpSettings

    cfg = SmtpSettings("127.0.0.1", port, "none", **{"timeout": 1.0, "connect_timeout": 1.0, "retries": 2, "retry_wait": 0.0, **kw})
    return Sender(cfg, sleep=lambda s: None)


def _message():  # noqa: ANN202
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "me@example.gov"
    msg["To"] = "a@example.gov"
    msg["Subject"] = "Test"
    msg.set_content("Hello.\n.\nA line with a lone dot above.\n")
    return msg


def test_server_silent_after_the_final_dot_is_unknown_not_resent(scripted):
    server = scripted(after_data="silent")
    with _sender(server.port) as s:
        t = time.monotonic()
        (d,) = s.send(_message(), "me@example.gov", ["a@example.gov"])
        assert time.monotonic() - t < 10
    assert d.status == "unknown" and "did not answer in time" in d.detail
    assert len(server.messages) == 1
    assert b"\r\n..\r\n" in server.messages[0]  # dot-stuffing kept


def test_server_that_never_greets_did_not_answer_in_time(scripted):
    server = scripted(greeting=b"")
    with _sender(server.port) as s, pytest.raises(DeliveryError, match="did not answer in time"):
        s.check()


def test_binary_greeting_is_one_clean_line(tmp_path, scripted):
    server = scripted(greeting=b"\x1b[31m\xff\xfe\x00GARBAGE\x07" + bytes(range(128, 160)) * 20 + b"\r\n")
    line = _refused(tmp_path, "email", str(SEED), "-a", "principals", "--to", "a@example.gov", "--send", "--smtp-host", "127.0.0.1",
                    "--smtp-port", str(server.port), "--smtp-security", "none", needles=("not an SMTP server",))
    assert all(" " <= c <= "~" for c in line), line
    assert len(line) < 300



# ------------------------------------------------------------------------------------------------ PDF layout


def _all_profile(tdir: Path, style: str = "default", formats: str = "[pdf]") -> Path:
    """A profile that takes every section, so that whatever the fixture holds reaches the brief."""
    return _profile(tdir, "all.yaml", f"id: all\nextends: base\ntitle: All\nstyle: {style}\nformats: {formats}\n")


def _seed_paragraphs(n: int) -> list[str]:
    return [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if len(p.split()) > 40][:n]


def test_huge_heading_renders_in_full(tmp_path):
    from pypdf import PdfReader

    paras = _seed_paragraphs(6)
    words = " ".join(f"w{i}x" for i in range(1500))
    essay = tmp_path / "heading.md"
    essay.write_text(f"# Title\n\n## Opening\n\n{paras[0]}\n\n## {words}\n\n" + "\n\n".join(paras[1:4])
                     + "\n\n## Closing\n\n" + "\n\n".join(paras[4:]) + "\n", encoding="utf-8")
    tdir = tmp_path / "t"
    _all_profile(tdir)
    out = tmp_path / "out"
    proc = run_cli("build", str(essay), "-a", "all", "--templates", str(tdir), "--out", str(out), env=_env(), timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    reader = PdfReader(out / "heading" / "heading-all.pdf")
    text = " ".join(p.extract_text() for p in reader.pages)
    assert {f"w{i}x" for i in range(1500)} <= set(text.split())  # split over pages, not a word lost
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert any(t.startswith("w0x w1x") for t in titles) and "Closing" in titles  # one outline entry for the split heading


def _style(tdir: Path, margins: int, size: int, name: str = "big") -> Path:
    (tdir / "styles").mkdir(parents=True, exist_ok=True)
    p = tdir / "styles" / f"{name}.yaml"
    sizes = ", ".join(f"{k}: {size}" for k in ("title", "subtitle", "h1", "h2", "body", "small"))
    p.write_text(f"page: A4\nmargins_mm: {{top: {margins}, bottom: {margins}, left: {margins}, right: {margins}}}\n"
                 f"sizes: {{{sizes}}}\n", encoding="utf-8")
    return p


def test_margins_that_leave_no_page_are_refused_up_front(tmp_path):
    tdir = tmp_path / "t"
    _style(tdir, 100, 72)
    _all_profile(tdir, "big")
    _refused(tmp_path, "build", str(SEED), "-a", "all", "--templates", str(tdir), needles=("big.yaml", "margins_mm", "10 mm wide"))


def test_impossible_layout_is_one_line_naming_the_style_file(tmp_path):
    tdir = tmp_path / "t"
    _style(tdir, 20, 72)  # a page, but 72-point type does not fit a table's columns
    _all_profile(tdir, "big", "[pdf, md]")
    out = tmp_path / "out"
    proc = run_cli("build", str(SEED), "-a", "all", "--templates", str(tdir), "--out", str(out), env=_env(), timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    (failed,) = [ln for ln in proc.stdout.splitlines() if ln.startswith("FAILED")]
    assert "big.yaml: PDF layout failed" in failed and "0x" not in failed
    assert not (out / ESSAY_DIR / f"{ESSAY_DIR}-all.pdf").exists()
    assert not list((out / ESSAY_DIR).glob(".*.part"))


# ------------------------------------------------------------------------------------------------ control characters


def _control_essay(tmp_path: Path) -> Path:
    paras = _seed_paragraphs(4)
    essay = tmp_path / "ctrl.md"
    marked = paras[1].replace(" ", " \x1b[2J", 1)
    essay.write_text(f"# Title \x1b[31mRed\x07 bell\x01\n\n## Opening\x1b\n\n{paras[0]}\n\n## Analysis\n\n"
                     f"{marked}\n\n{paras[2]}\n\n## Closing\n\n{paras[3]}\n", encoding="utf-8")
    return essay


def test_control_characters_in_the_essay_are_removed_and_reported(tmp_path):
    import docx
    from pypdf import PdfReader

    essay = _control_essay(tmp_path)
    tdir = tmp_path / "t"
    _all_profile(tdir, formats="[docx, pdf, md]")
    out = tmp_path / "out"
    proc = run_cli("build", str(essay), "-a", "all", "--templates", str(tdir), "--out", str(out), env=_env(), timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not any(c in proc.stdout + proc.stderr for c in "\x1b\x07\x00")
    folder = out / "ctrl"
    with zipfile.ZipFile(folder / "ctrl-all.docx") as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                assert not any(c in z.read(name) for c in b"\x1b\x07\x00"), name
    d = docx.Document(folder / "ctrl-all.docx")
    assert d.core_properties.title == "Title [31mRed bell"
    reader = PdfReader(folder / "ctrl-all.pdf")
    assert reader.metadata.title == "Title [31mRed bell"
    assert "\x1b" not in " ".join(p.extract_text() for p in reader.pages)
    assert "\x1b" not in (folder / "ctrl-all.md").read_text(encoding="utf-8")
    data = json.loads(run_cli("inspect", str(essay), "--json", env=_env(), timeout=60).stdout)
    kinds = [c["kind"] for c in data["cleanups"]]
    assert kinds.count("control-character") == 5  # the title's three, the heading's and the sentence's
    text = run_cli("inspect", str(essay), env=_env(), timeout=60).stdout
    assert "\x1b" not in text and "\\x1b[31mRed" in text  # the terminal is shown the title, escaped


def test_control_characters_in_the_title_do_not_reach_an_email(tmp_path):
    essay = _control_essay(tmp_path)
    tdir = tmp_path / "t"
    _all_profile(tdir)
    out = tmp_path / "out"
    proc = run_cli("email", str(essay), "-a", "all", "--templates", str(tdir), "--out", str(out), env=_env(), timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    raw = (out / "ctrl" / "ctrl-all.eml").read_bytes()
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"].startswith("All: Title [31mRed bell")
    assert not any(c in msg.get_body(("plain",)).get_content() for c in "\x1b\x07\x00")


def test_control_character_in_the_sidecar_title_is_refused(tmp_path):
    essay = _essay(tmp_path)
    (tmp_path / "essay.yaml").write_text('date: "2026-01-01"\ntitle: "Side \\x1b[2J title"\n', encoding="utf-8")
    line = _refused(tmp_path, "build", str(essay), "-a", "principals", needles=("essay.yaml:2", "title", "control character"))
    assert "\x1b" not in line


# ------------------------------------------------------------------------------------------------ output paths


def _twins(tdir: Path, pattern: str = "'{essay}.{ext}'") -> None:
    _profile(tdir, "a1.yaml", f"id: a1\nextends: base\ntitle: A\nfilename: {pattern}\nformats: [pdf]\n")
    _profile(tdir, "a2.yaml", f"id: a2\nextends: base\ntitle: B\nfilename: {pattern}\nformats: [md]\n")


def test_two_profiles_writing_one_file_stop_the_build(tmp_path):
    tdir = tmp_path / "t"
    _twins(tdir)
    # --format pdf: both write essay.pdf (before, the second silently replaced the first and both were "written")
    line = _refused(tmp_path, "build", str(_essay(tmp_path)), "-a", "a1", "-a", "a2", "--templates", str(tdir), "--format", "pdf",
                    needles=("essay.pdf", "the pdf brief for a1", "the pdf brief for a2", "a1.yaml:4", "a2.yaml:4"))
    assert "both" in line


def test_two_profiles_writing_one_file_stop_the_email(tmp_path):
    tdir = tmp_path / "t"
    _twins(tdir)
    essay = _essay(tmp_path)
    for extra in ((), ("--dry-run",)):
        _refused(tmp_path, "email", str(essay), "-a", "a1", "-a", "a2", "--templates", str(tdir), *extra,
                 needles=("the pdf brief for a1", "the pdf brief for a2"))


def test_names_that_differ_only_in_case_clash(tmp_path):
    tdir = tmp_path / "t"
    _profile(tdir, "a1.yaml", "id: a1\nextends: base\ntitle: A\nfilename: 'Brief.{ext}'\n")
    _profile(tdir, "a2.yaml", "id: a2\nextends: base\ntitle: B\nfilename: 'brief.{ext}'\n")
    _refused(tmp_path, "build", str(SEED), "-a", "a1", "-a", "a2", "--templates", str(tdir), needles=("differ only in case",))


def test_a_brief_never_overwrites_the_essay(tmp_path):
    tdir = tmp_path / "t"
    _profile(tdir, "same.yaml", "id: same\nextends: base\ntitle: S\nfilename: '{essay}.{ext}'\nformats: [md]\n")
    out = tmp_path / "out"
    essay = out / "notes" / "notes.md"
    essay.parent.mkdir(parents=True)
    essay.write_bytes(SEED.read_bytes())
    proc = run_cli("build", str(essay), "-a", "same", "--templates", str(tdir), "--out", str(out), env=_env(), timeout=FAST)
    assert_user_error(proc, "notes.md", "would overwrite the input file", "same.yaml:4")
    assert essay.read_bytes() == SEED.read_bytes()


def test_essay_folder_that_is_a_link_is_not_written_through(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "essay").symlink_to(elsewhere)
    for cmd in ("build", "email"):
        proc = run_cli(cmd, str(_essay(tmp_path)), "-a", "principals", "--out", str(out), env=_env(), timeout=60)
        assert_user_error(proc, "symbolic link", str(out / "essay"))
    assert list(elsewhere.iterdir()) == []


def test_brief_that_is_a_link_is_not_written_through(tmp_path):
    target = tmp_path / "elsewhere.pdf"
    target.write_bytes(b"keep me")
    folder = tmp_path / "out" / "essay"
    folder.mkdir(parents=True)
    (folder / "essay-principals.pdf").symlink_to(target)
    proc = run_cli("build", str(_essay(tmp_path)), "-a", "principals", "--out", str(tmp_path / "out"), env=_env(), timeout=60)
    assert_user_error(proc, "essay-principals.pdf", "symbolic link")
    assert target.read_bytes() == b"keep me" and (folder / "essay-principals.pdf").is_symlink()
    assert sorted(p.name for p in folder.iterdir()) == ["essay-principals.pdf"]


def test_atomic_write_refuses_a_link_swapped_in_after_the_check(tmp_path):
    from policybrief.errors import RenderError
    from policybrief.outputs import atomic_write

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "essay").symlink_to(elsewhere)
    with pytest.raises(RenderError, match="symbolic link"):
        atomic_write(tmp_path / "out" / "essay" / "b.pdf", b"x")
    assert list(elsewhere.iterdir()) == []
    real = tmp_path / "real"
    real.mkdir()
    (real / "b.pdf").symlink_to(elsewhere / "victim.pdf")
    with pytest.raises(RenderError, match="symbolic link"):
        atomic_write(real / "b.pdf", b"x")
    assert list(elsewhere.iterdir()) == [] and [p.name for p in real.iterdir()] == ["b.pdf"]
    atomic_write(real / "c.pdf", b"y")
    assert (real / "c.pdf").read_bytes() == b"y" and oct((real / "c.pdf").stat().st_mode & 0o777) == "0o644"


# ------------------------------------------------------------------------------------------------ stopping a build


def _children(pid: int) -> list[int]:
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(d.name))
    return found


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")  # a zombie has ended; only its exit status is left


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the worker processes")
@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT", "SIGKILL"])
def test_stopped_build_leaves_no_worker_and_writes_nothing_after(tmp_path, how):
    import signal
    import subprocess
    import sys

    essays = [_essay(tmp_path, f"e{i}.txt") for i in range(4)]
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "policybrief", "build", *map(str, essays), "-f", "pdf,docx", "-j", "2",
                             "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not any(p.suffix in (".pdf", ".docx") for p in out.rglob("*")) and time.monotonic() < deadline:
            time.sleep(0.02)  # stop it mid-way: some briefs written, workers busy with others
        workers = _children(proc.pid)
        assert workers and proc.poll() is None, "the build ended before it could be stopped"
        sig = getattr(signal, how)
        if how == "SIGINT":
            os.killpg(proc.pid, sig)  # Ctrl-C: the terminal signals the whole process group
        else:
            os.kill(proc.pid, sig)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    written = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    deadline = time.monotonic() + 5
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if _running(w)], "a worker outlived the build"
    time.sleep(1.0)
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    assert after == written or all(p.suffix != ".part" for p in after) and set(after) <= set(written), (written, after)
    assert not [p for p in after if p.suffix == ".part" and any(f".{w}." in p.name for w in workers)]
    if how == "SIGKILL":
        assert proc.returncode == -signal.SIGKILL
        return
    assert proc.returncode == {"SIGTERM": 143, "SIGINT": 130}[how]
    assert [ln for ln in err.splitlines() if ln.strip()] == [f"policybrief: {'terminated' if how == 'SIGTERM' else 'interrupted'}"]
    assert not [p for p in after if p.suffix == ".part"]


def test_jobs_are_capped_at_the_cpus(tmp_path, monkeypatch):
    from policybrief import commands, pipeline, workers

    cpus = workers.cpu_count()
    proc = run_cli("build", str(SEED), "-a", "principals", "-f", "pdf", "--jobs", "1000", "--out", str(tmp_path / "out"),
                   env=_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert [ln for ln in proc.stderr.splitlines() if ln.strip()] == [
        f"policybrief: note: --jobs 1000 is more than the {cpus} CPU(s) here; using {cpus}"]
    started: list[int] = []
    real = workers.start_pool
    monkeypatch.setattr(workers, "start_pool", lambda n, *a: started.append(n) or real(n, *a))
    commands.build(pipeline.Job((SEED,), ("principals",), formats=("md",), out=tmp_path / "lib"), jobs=1000)
    assert started == [cpus - 1]  # the library caps too: the parent renders as well


# ------------------------------------------------------------------------------------------------ Korean in PDFs

KOREAN = "한국과 미국의 동맹은 동북아시아 안보의 핵심이다."


@pytest.mark.skipif(not any(os.path.isfile(f) for f in ("/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
                                                         "/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf")),
                    reason="no Korean font: install Debian's fonts-nanum (make system-deps)")
def test_korean_is_drawn_with_a_korean_font(tmp_path):
    from pypdf import PdfReader

    essay = tmp_path / "ko.md"
    essay.write_text(f"# 한미 동맹과 중국\n\n## 개요\n\n{KOREAN} 북한의 핵 개발은 지역 안정을 위협한다.\n\n## 분석\n\n"
                     "서울은 베이징과의 경제 관계를 유지한다. 中国与日本の関係も重要だ. 무역 의존도는 여전히 높다.\n", encoding="utf-8")
    tdir = tmp_path / "t"
    _all_profile(tdir)
    out = tmp_path / "out"
    proc = run_cli("build", str(essay), "-a", "all", "--templates", str(tdir), "--out", str(out), env=_env(), timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = PdfReader(out / "ko" / "ko-all.pdf").pages[0]
    runs: list[tuple[str, str]] = []

    def visit(text, cm, tm, font, size):  # noqa: ANN001, ANN202
        if text.strip() and font:
            runs.append((text, str(font.get("/BaseFont", ""))))

    text = page.extract_text(visitor_text=visit)
    assert KOREAN in " ".join(text.split())
    hangul = [(t, f) for t, f in runs if any("\uac00" <= c <= "\ud7a3" for c in t)]
    han = [(t, f) for t, f in runs if any("\u4e00" <= c <= "\u9fff" for c in t)]
    assert hangul and all("Nanum" in f for _, f in hangul), hangul  # embedded subset of the Korean font, not boxes
    assert han and all("DroidSansFallback" in f for _, f in han), han  # Chinese and Japanese keep the CJK font
    fonts = {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert any("Nanum" in f and "+" in f for f in fonts)  # subset-embedded ("AAAAAA+NanumGothic")


def test_missing_korean_font_is_one_line(tmp_path):
    from policybrief.errors import RenderError
    from policybrief.writers import pdf

    with pytest.raises(RenderError, match="fonts-nanum"):
        pdf._register_file("PB-test-missing", None, (str(tmp_path / "none.ttf"),), "Korean", "fonts-nanum", "fonts.korean")
    tdir = tmp_path / "t"
    (tdir / "styles").mkdir(parents=True)
    (tdir / "styles" / "ko.yaml").write_text(f"fonts: {{korean: {tmp_path / 'none.ttf'}}}\n", encoding="utf-8")
    _all_profile(tdir, "ko")
    _refused(tmp_path, "build", str(SEED), "-a", "all", "--templates", str(tdir), needles=("ko.yaml", "fonts.korean", "no font file"))
