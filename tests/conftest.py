from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "china-russia-partnership.txt"
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "bench"))


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "policybrief", *args], capture_output=True, text=True, cwd=cwd or ROOT, env=env, timeout=timeout
    )


@pytest.fixture(scope="session")
def doc():
    from policybrief.readers import read_essay

    return read_essay(SEED)


@pytest.fixture(scope="session")
def analysis(doc):
    from policybrief.analysis import analyse

    return analyse(doc)


@pytest.fixture(scope="session")
def profiles():
    from policybrief.profiles import load_profiles

    return load_profiles(ROOT / "templates")


def assert_user_error(proc: subprocess.CompletedProcess, *needles: str) -> None:
    """Exit code 2, exactly one line on stderr, no traceback, and the line says what and where."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])
