# SPDX-License-Identifier: GPL-2.0
"""The repository's own rules: HACKING.md lists every file as it is, no
source file is over 400 lines, and nothing points outside the repository."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_EXT = (".c", ".h", ".py")
MAX_LINES = 400


def tracked():
    out = subprocess.run(["git", "-C", ROOT, "ls-files"], capture_output=True, text=True,
                         check=True).stdout
    return [f for f in out.splitlines() if os.path.isfile(os.path.join(ROOT, f))]


def test_hacking_lists_every_file_as_it_is():
    r = subprocess.run([os.path.join(ROOT, "scripts", "list-sources"), "--check",
                        os.path.join(ROOT, "HACKING.md")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_no_source_file_over_400_lines():
    long = []
    for f in tracked():
        if f.endswith(SOURCE_EXT) or f in ("tests/run", "bench/run", "labs/run"):
            with open(os.path.join(ROOT, f), errors="replace") as fh:
                n = sum(1 for _ in fh)
            if n > MAX_LINES:
                long.append((f, n))
    assert not long, long


def test_nothing_points_outside_the_repository():
    out = subprocess.run(["git", "-C", ROOT, "grep", "-n", "-I", "-e", "../shared",
                          "--", ".", ":!tests/test_repo.py"], capture_output=True, text=True)
    assert out.returncode == 1 and not out.stdout, out.stdout[:500]
