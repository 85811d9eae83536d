#!/usr/bin/env python3
"""`notes-lsp check` on a terminal and in pipes, through the real binary.

On a terminal (a pseudo-terminal here) the report is coloured and stderr shows a progress
line; NO_COLOR turns the colour off; in pipes neither appears. Usage: NOTES_LSP=path/to/notes-lsp
python3 test_check_terminal.py VAULT GOLDEN (the expected plain report)
"""
import os
import pty
import select
import subprocess
import sys
import unittest

BIN = os.environ.get("NOTES_LSP", "notes-lsp")
VAULT = sys.argv.pop(1) if len(sys.argv) > 1 else "tests/vault-example"
GOLDEN = sys.argv.pop(1) if len(sys.argv) > 1 else "tests/data/check-example.txt"
ARGS = [BIN, "check", "--today", "2025-11-15", VAULT]


def run_on_terminal(env_extra):
    """Runs check with stdout and stderr on one pseudo-terminal; returns (status, bytes)."""
    env = dict(os.environ, TERM="xterm")
    env.pop("NO_COLOR", None)
    env.update(env_extra)
    master, slave = pty.openpty()
    proc = subprocess.Popen(ARGS, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            proc.kill()
            raise AssertionError("no output for 60 s")
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return proc.wait(timeout=60), out


class Terminal(unittest.TestCase):
    def test_colour_and_progress_on_a_terminal(self):
        status, out = run_on_terminal({})
        self.assertEqual(status, 1)
        self.assertIn(b"\x1b[1;35mwarning:\x1b[0m", out)
        self.assertIn(b"\x1b[1;31merror:\x1b[0m", out)
        self.assertRegex(out, rb"\rnotes-lsp check: indexing (\d+)/\1 notes")
        # the progress line is erased before the report: no report line starts after it
        text = out.replace(b"\r\n", b"\n")
        for line in text.split(b"\n"):
            last = line.split(b"\r")[-1]
            self.assertNotIn(b"notes-lsp check:", last, line)

    def test_no_color(self):
        status, out = run_on_terminal({"NO_COLOR": "1"})
        self.assertEqual(status, 1)
        self.assertNotIn(b"\x1b", out)
        self.assertIn(b"warning: ambiguous link", out)
        self.assertIn(b"notes-lsp check: indexing", out)  # progress is not colour

    def test_pipes(self):
        env = dict(os.environ, TERM="xterm")
        env.pop("NO_COLOR", None)
        proc = subprocess.run(ARGS, stdin=subprocess.DEVNULL, capture_output=True, env=env,
                              timeout=120)
        self.assertEqual(proc.returncode, 1)
        self.assertNotIn(b"\x1b", proc.stdout)
        self.assertEqual(proc.stderr, b"")
        with open(GOLDEN, "rb") as f:
            self.assertEqual(proc.stdout, f.read())


if __name__ == "__main__":
    unittest.main()
