#!/usr/bin/env python3
"""Navigation latency over stdio: textDocument/references, hover, definition and
workspace/symbol against a gen_vault.py vault, with the shared harness's client
(../shared/bench/lsp_bench.py: responses are timestamped as soon as they are read).

    python3 tests/bench/nav_bench.py --vault /tmp/notes-lsp-bench-100000 -- build-rel/notes-lsp

Opens the probe note, waits for the complete index (workspace/symbol finds the probe person),
then sends each request --iterations times and prints one JSON line: p50/p95/max in ms, the
number of locations answered, and the server's CPU and peak RSS for the whole run. Not a test:
nothing asserts a time.
"""
import argparse
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "bench"))
sys.path.insert(0, "/work/shared/bench")
import lsp_bench  # noqa: E402


def percentile(s, q):
    return lsp_bench.percentile(s, q)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vault", required=True)
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("server_cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.server_cmd[1:] if a.server_cmd[:1] == ["--"] else a.server_cmd
    if cmd and "/" in cmd[0]:
        cmd[0] = os.path.abspath(cmd[0])  # the server runs in the vault
    vault = os.path.realpath(a.vault)
    meta = json.load(open(os.path.join(vault, ".bench.json")))
    probe = meta["probe"]
    note = os.path.join(vault, probe["note"])
    doc = {"uri": lsp_bench.file_uri(note)}
    folders = [{"uri": lsp_bench.file_uri(vault), "name": os.path.basename(vault)}]
    c = lsp_bench.LspClient(cmd, vault, None, folders)
    c.request("initialize", {"processId": os.getpid(), "rootUri": lsp_bench.file_uri(vault),
                             "workspaceFolders": folders,
                             "capabilities": lsp_bench.client_capabilities()}, 300)
    c.notify("initialized", {})
    c.notify("textDocument/didOpen", {"textDocument": dict(
        doc, languageId="markdown", version=1, text=open(note, encoding="utf-8").read())})
    person_file = os.path.realpath(os.path.join(vault, probe["person_path"]))
    start = time.perf_counter()
    while time.perf_counter() - start < 300:
        r, _, _ = c.request("workspace/symbol", {"query": probe["person"]}, 300)
        if lsp_bench.points_to(r, person_file):
            break
        time.sleep(0.05)
    on_link = dict(line=probe["wikilink"]["line"], character=probe["wikilink"]["character"] + 3)
    on_mention = dict(line=probe["mention"]["line"], character=probe["mention"]["character"] + 3)
    queries = {
        "references_person": ("textDocument/references", {"textDocument": doc, "position": on_link,
                              "context": {"includeDeclaration": True}}),
        "references_mention": ("textDocument/references", {"textDocument": doc,
                               "position": on_mention, "context": {"includeDeclaration": False}}),
        "hover_link": ("textDocument/hover", {"textDocument": doc, "position": on_link}),
        "definition_link": ("textDocument/definition", {"textDocument": doc, "position": on_link}),
        "workspace_symbol": ("workspace/symbol", {"query": probe["person"]}),
    }
    out = dict(vault=vault, notes=meta.get("notes"), cmd=cmd, iterations=a.iterations,
               loadavg=os.getloadavg())
    for name, (method, params) in queries.items():
        lat, n = [], 0
        for _ in range(a.iterations):
            result, sent, arrived = c.request(method, params, 60)
            lat.append((arrived - sent) * 1000)
            n = len(result) if isinstance(result, list) else (1 if result else 0)
        s = sorted(lat)
        out[name] = dict(p50_ms=round(statistics.median(s), 3), p95_ms=round(percentile(s, 95), 3),
                         max_ms=round(s[-1], 3), results=n)
    out.update(lsp_bench.tree_usage(c.proc.pid))
    c.stop()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
