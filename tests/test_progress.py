"""The progress bar of a real `newsfacet index` run on a terminal, and none in a pipe."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tests.helpers import seed_corpus

pytestmark = pytest.mark.slow

NEWSFACET = [sys.executable, "-c", "from cli.app import main; main()"]
ARTICLES = 12


def _corpus(tmp_path: Path) -> Path:
    return seed_corpus(tmp_path / "corpus", ARTICLES)


def _on_terminal(args: list[str]) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal 160 columns wide; (status, stdout, terminal)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="160")
    env.pop("NO_COLOR", None)
    process = subprocess.Popen([*NEWSFACET, *args], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    screen = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        screen += chunk
    os.close(master)
    assert process.stdout is not None
    out = process.stdout.read().decode()
    process.stdout.close()
    return process.wait(), out, screen.decode(errors="replace")


def test_a_terminal_gets_a_progress_bar_then_the_summary(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    status, out, screen = _on_terminal(["index", str(corpus), "--index", str(tmp_path / "ix"),
                                        "--workers", "1", "--no-cache"])
    assert status == 0, screen
    assert "indexing" in screen and "docs/s" in screen and "left" in screen
    assert f"/{ARTICLES}" in screen  # documents done out of the total
    assert "facets across the corpus" in screen  # the pass that ends the run
    assert f"Indexed {ARTICLES}" in out


def test_a_pipe_or_quiet_gets_the_summary_only(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    piped = subprocess.run([*NEWSFACET, "index", str(corpus), "--index", str(tmp_path / "ix"),
                            "--workers", "1"], capture_output=True, text=True, check=True)
    assert f"Indexed {ARTICLES}" in piped.stdout
    assert "docs/s" not in piped.stderr and "\x1b[" not in piped.stderr
    status, out, screen = _on_terminal(["index", str(corpus), "--index", str(tmp_path / "q"),
                                        "--quiet"])
    assert status == 0
    assert "left" not in screen and "indexing" not in screen
    assert f"Indexed {ARTICLES}" in out
