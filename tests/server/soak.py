"""Soak: 20,000 random edits and requests (fixed seed) against one server over stdio, checking
that every request is answered and that memory stays flat: the resident set after the last
operation may exceed the one after warm-up only by a generous margin (a leak of even a few
hundred bytes per operation would pass it). Python 3 stdlib only.

    NOTES_LSP=build/notes-lsp python3 tests/server/soak.py
"""
import os
import random
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_server import KICKOFF, VAULT, Client, measured_env, rss_kib, uri_of  # noqa: E402

OPS = 20000
WARMUP = 3000
BATCH = 50
SEED = 20251115
SNIPPETS = ["x", " ", "\n", "[[", "[[Ana Ruiz]]", "@Jonas Becker ", "#task ", "- [ ] do it \U0001F4C5 2025-11-20\n",
            "- [ ?] maybe #proposed\n", "caf\u00e9 ", "\U0001F600", "**b** ", "# Heading\n", "](x.md)"]
REQUESTS = ["textDocument/completion", "textDocument/hover", "textDocument/definition",
            "textDocument/documentSymbol", "textDocument/codeAction", "textDocument/references",
            "workspace/symbol"]


def units(s):
    return len(s.encode("utf-16-le")) // 2


def main():
    rnd = random.Random(SEED)
    tmp = tempfile.mkdtemp(prefix="nl-soak-")
    vault = os.path.join(tmp, "vault")
    shutil.copytree(VAULT, vault)
    c = Client(vault, env=measured_env())
    try:
        c.initialize()
        uri = c.open(KICKOFF)
        with open(os.path.join(vault, KICKOFF), encoding="utf-8") as f:
            original = f.read()
        lines = original.split("\n")
        version = 1
        ask = {}
        warm = None
        for op in range(OPS):
            if op == WARMUP:
                drain(c, ask)
                warm = rss_kib(c.proc.pid)
            if rnd.random() < 0.5:
                version += 1
                if sum(len(l) for l in lines) > 20000:
                    lines = original.split("\n")
                    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                        "contentChanges": [{"text": original}]})
                    continue
                ln = rnd.randrange(len(lines))
                a = rnd.randint(0, len(lines[ln]))
                b = a if rnd.random() < 0.6 else rnd.randint(a, len(lines[ln]))
                text = rnd.choice(SNIPPETS)
                start = {"line": ln, "character": units(lines[ln][:a])}
                end = {"line": ln, "character": units(lines[ln][:b])}
                new = (lines[ln][:a] + text + lines[ln][b:]).split("\n")
                lines[ln:ln + 1] = new
                c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                    "contentChanges": [{"range": {"start": start, "end": end},
                                                                        "text": text}]})
            else:
                ln = rnd.randrange(len(lines))
                pos = {"line": ln, "character": units(lines[ln][:rnd.randint(0, len(lines[ln]))])}
                method = rnd.choice(REQUESTS)
                params = {"textDocument": {"uri": uri}, "position": pos,
                          "range": {"start": pos, "end": pos}, "context": {"diagnostics": [],
                                                                          "includeDeclaration": True},
                          "query": rnd.choice(["", "a", "Ana", "zz"])}
                c.next_id += 1
                ask[c.next_id] = method
                c.send({"jsonrpc": "2.0", "id": c.next_id, "method": method, "params": params})
            if op % BATCH == BATCH - 1:
                drain(c, ask)
        drain(c, ask)
        end = rss_kib(c.proc.pid)
        print("RSS after %d operations: %d KiB; after %d: %d KiB" % (WARMUP, warm, OPS, end))
        if end > warm * 1.25 + 16 * 1024:
            print("FAIL: resident memory grew from %d KiB to %d KiB" % (warm, end))
            return 1
        if c.close() != 0:
            print("FAIL: the server did not exit 0")
            return 1
        return 0
    finally:
        if c.proc.poll() is None:
            c.proc.kill()
            c.proc.wait()
        shutil.rmtree(tmp)


def drain(c, ask):
    """Reads until every request sent so far is answered (with a result or an error)."""
    while ask:
        m = c.wait(lambda m: "id" in m and "method" not in m and m["id"] in ask, 60)
        if m is None:
            raise SystemExit("FAIL: no reply to %s" % sorted(ask.items())[:3])
        if "result" not in m and "error" not in m:
            raise SystemExit("FAIL: a reply without result or error: %r" % m)
        del ask[m["id"]]
    c.inbox.clear()  # notifications (diagnostics) are not what this test reads


if __name__ == "__main__":
    sys.exit(main())
