"""Hostile inputs, each run as a whole `policybrief` process: peak memory (RSS) and wall time per case.

Targets: under 500 MB and under 5 s each. Every case runs in a fresh helper process that starts `policybrief`, so
one case's memory never shows up in another's. Peak memory is that of the whole process tree (the build and its
worker processes): the larger of the tree's summed PSS, sampled every 20 ms from /proc, and the largest single
process's peak RSS from getrusage(RUSAGE_CHILDREN). "procs" is the most processes the tree had at once. A case can
stop the build with a signal once its first brief file is written; then the helper waits and reports any process of
the tree still running and any file that appeared after the build had gone.

    .venv/bin/python bench/hostile.py            # all cases
    .venv/bin/python bench/hostile.py docx yaml  # cases whose name contains one of these words
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "china-russia-partnership.txt"
MAX_MB, MAX_S = 500, 5.0

_MEASURE = r"""
import json, os, pathlib, resource, signal, subprocess, sys, tempfile, time
timeout, sig, watch = float(sys.argv[1]), int(sys.argv[2]), pathlib.Path(sys.argv[3]) if sys.argv[3] else None
PROC = pathlib.Path("/proc")

def tree(root):
    # pid -> parent pid of every live process, then the root's descendants (and the root)
    parents = {}
    for d in PROC.iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] not in ("Z", "X"):
                parents[int(d.name)] = int(fields[1])
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid in parents and pid not in found:
            found.add(pid)
            todo += [c for c, pp in parents.items() if pp == pid]
    return found

def pss(pid):
    try:
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0

def files(folder):
    return {str(f): f.stat().st_mtime_ns for f in folder.rglob("*") if f.is_file()} if folder and folder.exists() else {}

err_file = tempfile.TemporaryFile()
t = time.monotonic()
p = subprocess.Popen(sys.argv[4:], stdout=subprocess.DEVNULL, stderr=err_file, start_new_session=True)
peak, procs, seen, signalled = 0.0, 0, set(), False
while p.poll() is None:
    if time.monotonic() - t > timeout:
        p.kill()
        break
    members = tree(p.pid)
    seen |= members
    procs = max(procs, len(members))
    peak = max(peak, sum(pss(m) for m in members))
    if sig and not signalled and any(f.endswith((".pdf", ".docx")) for f in files(watch)):
        os.killpg(p.pid, sig) if sig == signal.SIGINT else os.kill(p.pid, sig)  # Ctrl-C reaches the whole group
        signalled = True
    time.sleep(0.02)
p.wait()
wall = time.monotonic() - t
code = "timeout" if wall > timeout else p.returncode
left, late = 0, 0
if sig:
    at_exit = files(watch)
    time.sleep(1.5)
    left = len([m for m in seen if m != p.pid and m in tree(m)])
    late = len([f for f, m in files(watch).items() if at_exit.get(f) != m])
err_file.seek(0)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"code": code, "wall": wall, "rss": max(rss, peak), "procs": max(procs, 1), "left": left, "late": late,
                  "stderr": err_file.read().decode("utf-8", "replace")}))
"""


def measure(args: list[str], env: dict[str, str], timeout: float = 60.0, sig: int = 0, watch: str = "") -> dict[str, object]:
    cmd = [sys.executable, "-c", _MEASURE, str(timeout), str(sig), watch, sys.executable, "-m", "policybrief", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    return json.loads(out.stdout)


# ------------------------------------------------------------------------------------------------ fixtures


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def docx_bomb(path: Path, unpacked: int = 1600 * 2**20) -> None:
    """A .docx whose document.xml inflates to `unpacked` bytes (about 1.6 MB on disk for 1.6 GB)."""
    import docx

    base = path.with_suffix(".base.docx")
    docx.Document().save(base)
    src = zipfile.ZipFile(base)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info.filename, src.read(info.filename))
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            chunk = b" " * 2**20
            for _ in range(unpacked // len(chunk)):
                f.write(chunk)
    base.unlink()


def docx_without_body(path: Path) -> None:
    import docx

    base = path.with_suffix(".base.docx")
    docx.Document().save(base)
    src = zipfile.ZipFile(base)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
            z.writestr(info.filename, data)
    base.unlink()


def profile_dir(root: Path, files: dict[str, str]) -> Path:
    (root / "audiences").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / "audiences" / name).write_text(text, encoding="utf-8")
    return root


class Smtp:
    """A scripted SMTP server on 127.0.0.1: a greeting, then 'drop' after the final dot or 'ok'."""

    def __init__(self, greeting: bytes, after: str = "ok") -> None:
        self.greeting, self.after, self.received = greeting, after, 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        f = conn.makefile("rb")
        try:
            conn.sendall(self.greeting)
            while line := f.readline():
                cmd = line[:4].upper()
                if cmd in (b"EHLO", b"HELO"):
                    conn.sendall(b"250 test\r\n")
                elif cmd == b"DATA":
                    conn.sendall(b"354 go ahead\r\n")
                    while (chunk := f.readline()) and chunk != b".\r\n":
                        pass
                    self.received += 1
                    if self.after == "drop":
                        return
                    conn.sendall(b"250 queued\r\n")
                elif cmd == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"250 OK\r\n")
        except OSError:
            pass
        finally:
            conn.close()


Case = tuple[str, list[str], dict[str, str], Callable[[], str] | None]


def cases(tmp: Path) -> list[Case]:
    """(name, arguments, extra environment, optional check after the run)."""
    out = str(tmp / "out")
    essay = tmp / "essay.txt"
    essay.write_bytes(SEED.read_bytes())
    zero = tmp / "zero.txt"
    zero.symlink_to("/dev/zero")
    urandom = tmp / "urandom.txt"
    urandom.symlink_to("/dev/urandom")
    fifo = tmp / "fifo.md"
    os.mkfifo(fifo)
    bomb = tmp / "bomb.docx"
    docx_bomb(bomb)
    nobody = tmp / "nobody.docx"
    docx_without_body(nobody)
    front = tmp / "front.md"
    front.write_text("---\ntitle: T\n" + alias_bomb() + "---\n\n# T\n\nSome words.\n", encoding="utf-8")
    side_dir = tmp / "side"
    side_dir.mkdir()
    side_essay = side_dir / "essay.txt"
    side_essay.write_bytes(SEED.read_bytes())
    (side_dir / "essay.yaml").write_text("title: T\n" + alias_bomb(), encoding="utf-8")
    quote = tmp / "quote.md"
    quote.write_text("# T\n\n## A\n\nSome words first.\n\n" + ">" * 5000 + " Deep words that must not be lost.\n", encoding="utf-8")
    deep_list = tmp / "list.md"
    deep_list.write_text("# T\n\n## A\n\n" + "\n".join("  " * i + f"- item {i} with a few words" for i in range(40)) + "\n", encoding="utf-8")
    utf16 = tmp / "utf16.txt"
    utf16.write_bytes(b"\xff\xfe" + SEED.read_text(encoding="utf-8").encode("utf-16-le"))
    bomb_profiles = profile_dir(tmp / "t-bomb", {"bomb.yaml": "id: bomb\ntitle: B\nx:\n" + "".join(f"  {ln}\n" for ln in alias_bomb().splitlines())})
    chain = profile_dir(tmp / "t-chain", {f"p{i}.yaml": f"id: p{i}\nextends: {f'p{i + 1}' if i < 1499 else 'base'}\ntitle: P\n" for i in range(1500)})
    pattern = profile_dir(tmp / "t-pattern", {"f.yaml": "id: f\nextends: base\ntitle: F\nfilename: '{essay:x>20000000}.{ext}'\n"})
    subject = profile_dir(tmp / "t-subject", {"s.yaml": "id: s\nextends: base\ntitle: S\ndelivery:\n  subject: '{{ \"a\" * 300000000 }}'\n"})
    fifo_profile = profile_dir(tmp / "t-fifo", {})
    os.mkfifo(fifo_profile / "audiences" / "f.yaml")
    zero_profile = profile_dir(tmp / "t-zero", {})
    (zero_profile / "audiences" / "z.yaml").symlink_to("/dev/zero")
    garbage = Smtp(b"\x1b[31m\xff\xfe GARBAGE \x00\x07\r\n")
    dropper = Smtp(b"220 test\r\n", after="drop")
    send = ["--send", "--smtp-host", "127.0.0.1", "--smtp-security", "none", "--to", "a@example.gov", "-a", "principals"]
    return [
        ("essay -> /dev/zero", ["build", str(zero), "-o", out], {}, None),
        ("essay -> /dev/urandom", ["build", str(urandom), "-o", out], {}, None),
        ("essay is a FIFO", ["build", str(fifo), "-o", out], {}, None),
        ("docx zip bomb (1.6 GB in ~1.6 MB)", ["build", str(bomb), "-o", out], {}, None),
        ("docx without <w:body>", ["build", str(nobody), "-o", out], {}, None),
        ("yaml alias bomb in a profile", ["audiences", "list", "--templates", str(bomb_profiles)], {}, None),
        ("yaml alias bomb in front matter", ["build", str(front), "-o", out], {}, None),
        ("yaml alias bomb in a sidecar", ["build", str(side_essay), "-o", out], {}, None),
        ("extends chain of 1,500 profiles", ["build", str(essay), "-a", "p0", "--templates", str(chain), "-o", out], {}, None),
        ("filename {essay:x>20000000}", ["build", str(essay), "-a", "f", "--templates", str(pattern), "-o", out], {}, None),
        ("subject {{ 'a' * 300000000 }}", ["email", str(essay), "-a", "s", "--templates", str(subject), "-o", out], {}, None),
        ("profile is a FIFO", ["audiences", "list", "--templates", str(fifo_profile)], {}, None),
        ("profile -> /dev/zero", ["audiences", "list", "--templates", str(zero_profile)], {}, None),
        ("SOURCE_DATE_EPOCH in year 10000", ["build", str(essay), "-a", "principals", "-o", out], {"SOURCE_DATE_EPOCH": "253402300800"}, None),
        ("markdown blockquote 5,000 deep", ["inspect", str(quote)], {}, None),
        ("markdown list 40 levels", ["inspect", str(deep_list)], {}, None),
        ("UTF-16 essay with a BOM", ["inspect", str(utf16)], {}, None),
        ("--jobs 0", ["build", str(essay), "--jobs", "0", "-o", out], {}, None),
        ("PB_SMTP_PORT=abc", ["email", str(essay), *send, "-o", out], {"PB_SMTP_PORT": "abc"}, None),
        ("--smtp-host a..b", ["email", str(essay), *send, "--smtp-host", "a..b", "-o", out], {}, None),
        ("SMTP greeting of binary garbage", ["email", str(essay), *send, "--smtp-port", str(garbage.port), "-o", out], {}, None),
        ("SMTP drop after the final dot", ["email", str(essay), *send, "--smtp-port", str(dropper.port), "--retries", "2",
                                           "-o", str(tmp / "sent")], {"PB_SMTP_RETRY_WAIT": "0"}, lambda: f"server received {dropper.received}x"),
        *new_cases(tmp),
    ]


def seed_paragraphs(n: int) -> list[str]:
    return [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if len(p.split()) > 40][:n]


def new_cases(tmp: Path) -> list[Case]:
    """Output paths, control characters, PDF layout, Korean, --jobs (the second hardening round)."""
    essay = tmp / "essay.txt"
    out = str(tmp / "out2")
    twins = profile_dir(tmp / "t-twins", {
        "a1.yaml": "id: a1\nextends: base\ntitle: A\nfilename: '{essay}.{ext}'\nformats: [pdf]\n",
        "a2.yaml": "id: a2\nextends: base\ntitle: B\nfilename: '{essay}.{ext}'\nformats: [md]\n",
    })
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    linked = tmp / "out-linked"
    linked.mkdir()
    (linked / "essay").symlink_to(elsewhere)
    linked_file = tmp / "out-file-link"
    (linked_file / "essay").mkdir(parents=True)
    (linked_file / "essay" / "essay-principals.pdf").symlink_to(elsewhere / "victim.pdf")
    paras = seed_paragraphs(8)
    control = tmp / "control.md"
    control.write_text(f"# Title \x1b[31mRed\x07\n\n## Opening\n\n{paras[0]}\n\n## Analysis\x1b[2J\n\n{paras[1]}\n", encoding="utf-8")
    side = tmp / "side-ctrl"
    side.mkdir()
    (side / "essay.txt").write_bytes(SEED.read_bytes())
    (side / "essay.yaml").write_text('title: "Side \\x1b[2J title"\n', encoding="utf-8")
    heading = tmp / "heading.md"
    heading.write_text("# Title\n\n## Opening\n\n" + paras[0] + "\n\n## " + " ".join(f"word{i}" for i in range(1500)) + "\n\n"
                       + "\n\n".join(paras[1:5]) + "\n\n## Closing\n\n" + "\n\n".join(paras[5:]) + "\n", encoding="utf-8")
    every = {"all.yaml": "id: all\nextends: base\ntitle: All\nformats: [docx, pdf, md]\n"}
    all_profile = profile_dir(tmp / "t-all", every)
    sizes = "{title: 72, subtitle: 72, h1: 72, h2: 72, body: 72, small: 72}"
    huge = profile_dir(tmp / "t-huge", {"all.yaml": "id: all\nextends: base\ntitle: All\nstyle: huge\nformats: [pdf]\n"})
    (huge / "styles").mkdir()
    (huge / "styles" / "huge.yaml").write_text(f"margins_mm: {{top: 100, bottom: 100, left: 100, right: 100}}\nsizes: {sizes}\n")
    big = profile_dir(tmp / "t-big", {"all.yaml": "id: all\nextends: base\ntitle: All\nstyle: big\nformats: [pdf]\n"})
    (big / "styles").mkdir()
    (big / "styles" / "big.yaml").write_text(f"sizes: {sizes}\n")
    korean = tmp / "korean.md"
    korean.write_text("# 한미 동맹과 중국\n\n## 개요\n\n" + "한국과 미국의 동맹은 동북아시아 안보의 핵심이다. " * 40
                      + "\n\n## 분석\n\n" + "서울은 베이징과의 경제 관계를 유지한다. 中国与日本の関係も重要だ. " * 40 + "\n", encoding="utf-8")
    many = tmp / "many"
    many.mkdir()
    for i in range(4):
        (many / f"e{i}.txt").write_bytes(SEED.read_bytes())
    essays = [str(many / f"e{i}.txt") for i in range(4)]
    return [
        ("two profiles, one filename", ["build", str(essay), "-a", "a1", "-a", "a2", "-f", "pdf", "--templates", str(twins), "-o", out],
         {}, None),
        ("two profiles, one filename (email)", ["email", str(essay), "-a", "a1", "-a", "a2", "--templates", str(twins), "-o", out],
         {}, None),
        ("OUT/ESSAY -> folder elsewhere", ["build", str(essay), "-a", "principals", "-o", str(linked)], {},
         lambda: f"{len(list(elsewhere.iterdir()))} file(s) elsewhere"),
        ("brief file -> file elsewhere", ["build", str(essay), "-a", "principals", "-o", str(linked_file)], {},
         lambda: f"{len(list(elsewhere.iterdir()))} file(s) elsewhere"),
        ("ESC in a Markdown title and text", ["build", str(control), "-a", "all", "--templates", str(all_profile), "-o", out], {}, None),
        ("ESC in the sidecar's title", ["build", str(side / "essay.txt"), "-a", "principals", "-o", out], {}, None),
        ("1,500-word heading (PDF)", ["build", str(heading), "-a", "all", "--templates", str(all_profile), "-o", out], {}, None),
        ("margins 100 mm, sizes 72 pt", ["build", str(essay), "-a", "all", "--templates", str(huge), "-o", out], {}, None),
        ("sizes 72 pt (a table cannot fit)", ["build", str(essay), "-a", "all", "--templates", str(big), "-o", out], {}, None),
        ("Korean essay (PDF, NanumGothic)", ["build", str(korean), "-a", "all", "--templates", str(all_profile), "-o", out], {}, None),
        ("--jobs 1000", ["build", str(essay), "-f", "pdf", "--jobs", "1000", "-o", out], {}, None),
        ("--jobs 100, 4 essays", ["build", *essays, "-f", "pdf,docx", "--jobs", "100", "-o", str(tmp / "jobs")], {}, None),
        *[(f"{name} mid-build, 4 essays", ["build", *essays, "-f", "pdf,docx", "-j", "2", "-o", str(tmp / f"stop-{name}")],
           {"_signal": str(int(sig)), "_watch": str(tmp / f"stop-{name}")}, None)
          for name, sig in (("SIGTERM", signal.SIGTERM), ("Ctrl-C", signal.SIGINT), ("SIGKILL", signal.SIGKILL))],
    ]


def main() -> None:
    words = [w.lower() for w in sys.argv[1:]]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PB_SMTP", "SOURCE_DATE_EPOCH"))}
    with tempfile.TemporaryDirectory(prefix="pb-hostile-") as d:
        rows = []
        for name, args, extra, check in cases(Path(d)):
            if words and not any(w in name.lower() for w in words):
                continue
            sig, watch = int(extra.get("_signal", 0)), extra.get("_watch", "")
            r = measure(args, {**env, **{k: v for k, v in extra.items() if not k.startswith("_")}}, sig=sig, watch=watch)
            lines = [ln for ln in str(r["stderr"]).splitlines() if ln.strip()]
            first = lines[0] if lines else ""
            note = check() if check else ""
            if sig:
                note = f"{r['left']} process(es) left, {r['late']} file(s) written after"
            ok = (r["code"] != "timeout" and float(str(r["rss"])) < MAX_MB and float(str(r["wall"])) < MAX_S
                  and (len(lines) <= 1 or (r["code"] == 0 and "Traceback" not in str(r["stderr"])))  # a success may warn
                  and not r["left"] and not r["late"])
            rows.append((name, str(r["code"]), f"{float(str(r['rss'])):.0f}", str(r["procs"]), f"{float(str(r['wall'])):.2f}",
                         "ok" if ok else "OVER", (first[:100] + ("..." if len(first) > 100 else "")) + (f" [{note}]" if note else "")))
    head = ("case", "exit", "peak MB", "procs", "wall s", "target", "stderr (first line)")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(6)]
    for r in [head, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r[:6], widths, strict=True)) + "  " + r[6])
    over = [r[0] for r in rows if r[5] != "ok"]
    print(f"\n{len(rows) - len(over)} of {len(rows)} cases within {MAX_MB} MB and {MAX_S:g} s" + (f"; over: {', '.join(over)}" if over else ""))


if __name__ == "__main__":
    main()
