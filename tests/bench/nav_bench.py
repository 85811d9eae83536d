#!/usr/bin/env python3
"""Navigation latency over stdio: textDocument/references, hover, definition and
workspace/symbol against a gen_vault.py vault, with the shared harness's client
(../shared/bench/lsp_bench.py: responses are timestamped as soon as they are read).

    python3 tests/bench/nav_bench.py --vault /tmp/notes-lsp-bench-100000 -- build-rel/notes-lsp

Opens the probe note, waits for the complete index (workspace/symbol finds the probe person),
then sends each request --iterations times (workspace/symbol for the probe person's full
name, for the first five letters of it, for the last name in lower case, and those five letters
typed one at a time: stats per prefix) and prints one JSON line: p50/p95/max in ms, the same of the server's CPU per request (cpu_*: the growth of its threads' schedstat run time
from before the request to its answer; steadier than latency on a loaded machine, where the
wall time is mostly waiting for a core), the number of locations answered,
and the server's CPU and peak RSS (MiB) for the whole run. Not a test: nothing asserts a time.
"""
import argparse
import json
import os

from bench_session import Session, server_cmd, stats


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vault", required=True)
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--only", help="measure only these, comma-separated (e.g. references_person)")
    ap.add_argument("--perf", metavar="FILE", help="perf record the server over the requests")
    ap.add_argument("--init-options", default=None, help="initializationOptions (JSON)")
    ap.add_argument("server_cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = server_cmd(a.server_cmd)
    sess = Session(a.vault, cmd, json.loads(a.init_options or "null"))
    c, probe, doc, vault, meta = sess.client, sess.probe, sess.doc, sess.vault, sess.meta
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
        # What a user types before the list narrows: the first five letters of the first
        # name ("Quent"), and the last name in lower case ("okafor").
        "workspace_symbol_short": ("workspace/symbol",
                                   {"query": probe["person"].split()[0][:5]}),
        "workspace_symbol_word": ("workspace/symbol",
                                  {"query": probe["person"].split()[-1].lower()}),
        # The same five letters typed one at a time, a request after each (as a symbol picker
        # asks): each round starts again from the first letter; stats per prefix.
        "workspace_symbol_typed": ("workspace/symbol", [
            {"query": probe["person"][:k]} for k in range(1, 6)]),
    }
    out = dict(vault=vault, notes=meta.get("notes"), cmd=cmd, iterations=a.iterations,
               loadavg=os.getloadavg())
    only = set(a.only.split(",")) if a.only else set(queries)
    sess.perf_start(a.perf)
    for name, (method, params) in queries.items():
        if name not in only:
            continue
        steps = params if isinstance(params, list) else [params]
        lat, cpu, n = [[] for _ in steps], [[] for _ in steps], [0] * len(steps)
        for _ in range(a.iterations):
            for k, step in enumerate(steps):
                cpu0 = sess.cpu_ns()[0]
                result, sent, arrived = c.request(method, step, 60)
                cpu[k].append((sess.cpu_ns()[0] - cpu0) / 1e6)
                lat[k].append((arrived - sent) * 1000)
                n[k] = len(result) if isinstance(result, list) else (1 if result else 0)
        res = [dict(stats(lat[k]), **stats(cpu[k], "cpu_"), results=n[k]) for k in range(len(steps))]
        out[name] = res[0] if not isinstance(params, list) else {
            step["query"]: r for step, r in zip(steps, res)}
    sess.perf_stop()
    out.update(sess.usage())
    sess.stop()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
