"""Hostile inputs, each run as a whole `policybrief` process: peak memory (RSS) and wall time per case.

Targets: under 500 MB and under 5 s each. Every case runs in a fresh helper process that starts `policybrief` and
reads the child's peak RSS from getrusage(RUSAGE_CHILDREN), so one case's memory never shows up in another's.

    .venv/bin/python bench/hostile.py            # all cases
    .venv/bin/python bench/hostile.py docx yaml  # cases whose name contains one of these words
"""

from __future__ import annotations

import json
import os
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

_MEASURE = """
import json, resource, subprocess, sys, time
t = time.monotonic()
try:
    p = subprocess.run(sys.argv[2:], capture_output=True, text=True, errors="replace", timeout=float(sys.argv[1]))
    code, err = p.returncode, p.stderr
except subprocess.TimeoutExpired:
    code, err = "timeout", ""
wall = time.monotonic() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"code": code, "wall": wall, "rss": rss, "stderr": err}))
"""


def measure(args: list[str], env: dict[str, str], timeout: float = 60.0) -> dict[str, object]:
    cmd = [sys.executable, "-c", _MEASURE, str(timeout), sys.executable, "-m", "policybrief", *args]
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


def cases(tmp: Path) -> list[tuple[str, list[str], dict[str, str], Callable[[], str] | None]]:
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
    ]


def main() -> None:
    words = [w.lower() for w in sys.argv[1:]]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PB_SMTP", "SOURCE_DATE_EPOCH"))}
    with tempfile.TemporaryDirectory(prefix="pb-hostile-") as d:
        rows = []
        for name, args, extra, check in cases(Path(d)):
            if words and not any(w in name.lower() for w in words):
                continue
            r = measure(args, {**env, **extra})
            lines = [ln for ln in str(r["stderr"]).splitlines() if ln.strip()]
            first = lines[0] if lines else ""
            note = check() if check else ""
            ok = r["code"] != "timeout" and float(r["rss"]) < MAX_MB and float(r["wall"]) < MAX_S and len(lines) <= 1
            rows.append((name, str(r["code"]), f"{float(r['rss']):.0f}", f"{float(r['wall']):.2f}", "ok" if ok else "OVER",
                         (first[:110] + ("..." if len(first) > 110 else "")) + (f" [{note}]" if note else "")))
    head = ("case", "exit", "peak MB", "wall s", "target", "stderr (first line)")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(5)]
    for r in [head, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r[:5], widths, strict=True)) + "  " + r[5])
    over = [r[0] for r in rows if r[4] != "ok"]
    print(f"\n{len(rows) - len(over)} of {len(rows)} cases within {MAX_MB} MB and {MAX_S:g} s" + (f"; over: {', '.join(over)}" if over else ""))


if __name__ == "__main__":
    main()
