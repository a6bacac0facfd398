from __future__ import annotations

import json
import os
import re

from conftest import ROOT, SEED, assert_user_error, run_cli


def test_build_all_audiences_both_formats(tmp_path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    proc = run_cli("build", str(SEED), "--all", "--format", "docx,pdf", "--out", str(tmp_path), "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert len(rows) == 10 and not any(r["error"] for r in rows)
    assert [r["pages"] for r in rows if r["audience"] == "principals" and r["format"] == "pdf"] == [1]  # budget.pages: 1
    files = sorted(p.name for p in (tmp_path / "china-russia-partnership").iterdir())
    assert len(files) == 10 and not any(f.endswith(".part") for f in files)
    first = {p.name: p.read_bytes() for p in (tmp_path / "china-russia-partnership").iterdir()}
    run_cli("build", str(SEED), "--all", "--format", "docx,pdf", "--out", str(tmp_path), env=env)
    second = {p.name: p.read_bytes() for p in (tmp_path / "china-russia-partnership").iterdir()}
    assert first == second  # rebuilds are byte-identical


def test_parallel_build_matches_serial(tmp_path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    outs = {}
    for jobs in ("1", "2", "3"):
        out = tmp_path / jobs
        proc = run_cli("build", str(SEED), "-a", "principals", "-a", "asia-desk", "-f", "pdf,docx,md", "-j", jobs, "-o", str(out), "--json", env=env)
        assert proc.returncode == 0, proc.stderr
        rows = json.loads(proc.stdout)
        assert [(r["audience"], r["format"]) for r in rows] == [(a, f) for a in ("principals", "asia-desk") for f in ("pdf", "docx", "md")]
        outs[jobs] = {p.name: p.read_bytes() for p in (out / "china-russia-partnership").iterdir()}
    assert len(outs["1"]) == 6 and outs["1"] == outs["2"] == outs["3"]


def test_closing_table(tmp_path):
    proc = run_cli("build", str(SEED), "-a", "principals", "-f", "pdf", "-o", str(tmp_path))
    assert proc.returncode == 0
    assert "principals" in proc.stdout and "pdf" in proc.stdout and "1 brief file(s) written" in proc.stdout


def test_hostile_filename_pattern(tmp_path):
    aud = tmp_path / "t" / "audiences"
    aud.mkdir(parents=True)
    (aud / "evil.yaml").write_text("id: evil\nextends: base\ntitle: E\nfilename: '../../{profile}.{ext}'\n")
    proc = run_cli("build", str(SEED), "-a", "evil", "-f", "md", "-o", str(tmp_path / "out"), "--templates", str(tmp_path / "t"))
    assert proc.returncode == 1
    assert "not a plain file name" in proc.stdout
    assert not list(tmp_path.glob("*.md"))


def test_bad_format_and_unwritable(tmp_path):
    assert_user_error(run_cli("build", str(SEED), "-f", "odt", "-o", str(tmp_path)), "unknown format 'odt'")
    f = tmp_path / "file"
    f.write_text("x")
    assert_user_error(run_cli("build", str(SEED), "-o", str(f)), "output folder is a file")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    if not os.access(ro, os.W_OK):  # root can write anywhere
        assert_user_error(run_cli("build", str(SEED), "-o", str(ro)), "not writable")


def test_bad_style_or_template_fails_before_any_file(tmp_path):
    tdir = tmp_path / "t"
    assert run_cli("templates", "init", str(tdir)).returncode == 0
    style = tdir / "styles" / "default.yaml"
    good = style.read_text()
    out = tmp_path / "out"
    cases = [
        ("font: comic\n", "font: unknown font 'comic'"),
        ("colors: {accent: blue}\n", "colors.accent"),
        ("pgae: A4\n", "did you mean 'page'"),
        ("page: [\n", "default.yaml:2: style file is not valid YAML"),
        ("sizes: {body: 500}\n", "sizes.body"),
    ]
    for text, needle in cases:
        # Replace the key (a duplicate key is itself an error), keeping the rest of the style.
        key = text.split(":")[0]
        rest = re.sub(rf"(?m)^{key}:.*\n(?:[ #].*\n)*", "", good)
        style.write_text(rest + text if not text.startswith("page: [") else text)
        assert_user_error(run_cli("build", str(SEED), "--templates", str(tdir), "-o", str(out)), needle)
    style.write_text(good)
    (tdir / "styles" / "reference.docx").write_text("not a zip")
    assert_user_error(run_cli("build", str(SEED), "--templates", str(tdir), "-o", str(out)), "reference.docx", "not a Word document")
    assert not out.exists()


def test_bad_essay_paths_fail_up_front(tmp_path):
    out = tmp_path / "out"
    assert_user_error(run_cli("build", str(tmp_path / "missing.txt"), str(SEED), "-o", str(out)), "missing.txt", "no such file")
    assert_user_error(run_cli("build", str(tmp_path), "-o", str(out)), "is a folder")
    odd = tmp_path / "essay.pages"
    odd.write_text("x")
    assert_user_error(run_cli("build", str(odd), "-o", str(out)), "--from")
    twin = tmp_path / "twin" / SEED.name
    twin.parent.mkdir()
    twin.write_bytes(SEED.read_bytes())
    assert_user_error(run_cli("build", str(twin), str(SEED), "-o", str(out)), "would both write to")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert_user_error(run_cli("build", str(empty), "-o", str(out)), "empty.txt", "file is empty")
    assert not out.exists()


def test_one_failing_essay_does_not_stop_others(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    proc = run_cli("build", str(bad), str(SEED), "-a", "principals", "-f", "md", "-o", str(tmp_path / "o"))
    assert proc.returncode == 1
    assert "FAILED" in proc.stdout and "1 brief file(s) written" in proc.stdout


def test_templates_init_and_override(tmp_path):
    dest = tmp_path / "my"
    proc = run_cli("templates", "init", str(dest))
    assert proc.returncode == 0 and (dest / "audiences" / "principals.yaml").is_file()
    assert (dest / "styles" / "reference.docx").is_file()
    assert (dest / "email" / "body.txt.j2").is_file() and (dest / "email" / "body.html.j2").is_file()
    again = run_cli("templates", "init", str(dest))
    assert "kept" in again.stdout


def test_version_and_help():
    assert run_cli("--version").stdout.startswith("policybrief ")
    for cmd in ("build", "inspect", "plan", "summarize", "check", "email"):
        out = run_cli(cmd, "--help").stdout
        assert "Example" in out, cmd
    assert (ROOT / "README.md").read_text().count("make ") >= 2
