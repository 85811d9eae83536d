#!/usr/bin/env python3
"""Completion over stdio while a name is typed, with the shared harness's client
(../shared/bench/lsp_bench.py):

    python3 tests/bench/completion_bench.py --vault /tmp/notes-lsp-bench-100000 -- build-rel/notes-lsp

Opens the probe note and waits for the complete index (bench_session.py). Then, on a new line
at the end of the note, the client types "[[" and the probe person's name one letter at a time
(didChange, as an editor sends it), and after each of 0..--letters letters requests completion
--iterations times; the same for "@" (--openers). With --rounds R all of it is typed R times,
each on a new line, --iterations / R requests per prefix each time. Prints one JSON line: per
prefix, p50/p95/max in ms of the latency, the same of the server's CPU per request (schedstat
run time of its threads from the request to its answer), the same of the CPU of the first
request after each keystroke alone (first_cpu_*: what an editor asks once per key), the
items, isIncomplete, whether the probe person is among the items, and the response's bytes. Not a test: nothing asserts a time.
"""
import argparse
import json
import os

from bench_session import Session, lsp_bench, server_cmd, stats


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vault", required=True)
    ap.add_argument("--iterations", type=int, default=100)
    ap.add_argument("--letters", type=int, default=5)
    ap.add_argument("--perf", metavar="FILE", help="perf record the server over the requests")
    ap.add_argument("--openers", default="[[,@", help="comma-separated: what is typed first")
    ap.add_argument("--rounds", type=int, default=1,
                    help="type everything this many times, each on a new line (--iterations "
                         "requests per prefix in all)")
    ap.add_argument("--init-options", default=None, help="initializationOptions (JSON)")
    ap.add_argument("server_cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    sess = Session(a.vault, server_cmd(a.server_cmd), json.loads(a.init_options or "null"))
    c, doc, person = sess.client, sess.doc, sess.probe["person"]
    lines = sess.text.split("\n")
    state = {"line": len(lines) - 1 if lines[-1] == "" else len(lines), "version": 1}

    def insert(col, text, line=None):
        line = state["line"] if line is None else line
        state["version"] += 1
        c.notify("textDocument/didChange", {
            "textDocument": dict(doc, version=state["version"]),
            "contentChanges": [{"range": {"start": {"line": line, "character": col},
                                          "end": {"line": line, "character": col}},
                                "text": text}]})

    if lines[-1] != "":
        insert(len(lines[-1]), "\n", len(lines) - 1)
    out = dict(vault=sess.vault, notes=sess.meta.get("notes"), cmd=c.proc.args,
               iterations=a.iterations, loadavg_start=os.getloadavg())
    sess.perf_start(a.perf)
    per_round = max(1, a.iterations // a.rounds)
    acc = {}
    for _ in range(a.rounds):
        for opener in a.openers.split(","):
            col = 0
            insert(col, opener)
            col += len(opener)
            typed = ""
            for k in range(a.letters + 1):
                if k > 0:
                    insert(col, person[k - 1])
                    col += 1
                    typed += person[k - 1]
                params = {"textDocument": doc,
                          "position": {"line": state["line"], "character": col},
                          "context": {"triggerKind": 1}}
                lat, cpu, first = acc.setdefault(opener + typed, ([], [], []))
                for i in range(per_round):
                    cpu0 = sess.cpu_ns()[0]
                    result, sent, arrived = c.request("textDocument/completion", params, 60)
                    cpu.append((sess.cpu_ns()[0] - cpu0) / 1e6)
                    lat.append((arrived - sent) * 1000)
                    if i == 0:
                        first.append(cpu[-1])
                items = result.get("items", []) if isinstance(result, dict) else result or []
                out[opener + typed] = dict(
                    stats(lat), **stats(cpu, "cpu_"), **stats(first, "first_cpu_"),
                    items=len(items),
                    incomplete=isinstance(result, dict) and result.get("isIncomplete"),
                    hit=lsp_bench.completion_hit(result, person),
                    bytes=len(json.dumps(result, ensure_ascii=False).encode()))
            insert(col, "\n")  # the next opener on a line of its own
            state["line"] += 1
    sess.perf_stop()
    out["loadavg_end"] = os.getloadavg()
    out.update(sess.usage())
    sess.stop()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
