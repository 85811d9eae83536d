#!/usr/bin/env python3
"""Server CPU per keystroke while a person types, over stdio, with the shared harness's client
(../shared/bench/lsp_bench.py):

    python3 tests/bench/typing_bench.py --vault /tmp/notes-lsp-bench-100000 -- build-rel/notes-lsp

Opens the probe note (gen_vault.py's `.bench.json`), waits for the complete index (the probe
person found through workspace/symbol), lets the server settle, then types --text one character
at a time just before the probe @mention (on a task line, so the task, its mention and date
move with every key), each as an
incremental textDocument/didChange, with --pause ms between keys (default 100: a person typing,
slower than the server's debounce, so each pause may re-index and re-diagnose). --rounds
repeats the text (each round types it, then deletes it again key by key, so the note returns
to its original text). Before typing it measures the server idle for as long as the typing
will take, and subtracts that.

Prints one JSON line:
  cpu_ms_per_key        (schedstat) server CPU per keystroke, idle subtracted: the sum over the
                        server's threads of /proc/PID/task/*/schedstat's run time (ns)
  cpu_ms_per_key_ticks  the same from /proc/PID/stat utime+stime (1/CLK_TCK resolution)
  idle_ms_per_s         the idle server's CPU per second (timers), already subtracted
  published             textDocument/publishDiagnostics received while typing
plus keys, pause, the load average and the server's peak RSS (MiB). Not a test: nothing asserts a time.
"""
import argparse
import json
import os
import time

from bench_session import Session, server_cmd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vault", required=True)
    ap.add_argument("--text", default="Ask Quentin about the pilot dates ")
    ap.add_argument("--pause", type=float, default=100, help="ms between keystrokes")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--init-options", default=None, help="initializationOptions (JSON)")
    ap.add_argument("--perf", metavar="FILE",
                    help="perf record (DWARF call graphs) the server while it types; the "
                         "sampling adds to the CPU measured")
    ap.add_argument("server_cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    sess = Session(a.vault, server_cmd(a.server_cmd), json.loads(a.init_options or "null"))
    c, probe, doc = sess.client, sess.probe, sess.doc
    pause = a.pause / 1000
    keys = 2 * len(a.text) * a.rounds
    # The idle server (timers) for as long as the typing takes.
    idle0, idle0_t = sess.cpu_ns(), time.perf_counter()
    time.sleep(keys * pause)
    idle1, idle1_t = sess.cpu_ns(), time.perf_counter()
    idle_s = idle1_t - idle0_t
    published0 = c.notifications["textDocument/publishDiagnostics"]
    line, col = probe["mention"]["line"], probe["mention"]["character"]
    version = 1
    sess.perf_start(a.perf)
    load_start = os.getloadavg()
    t0, t0_t = sess.cpu_ns(), time.perf_counter()

    def change(col_start, col_end, text):
        nonlocal version
        version += 1
        c.notify("textDocument/didChange", {
            "textDocument": dict(doc, version=version),
            "contentChanges": [{"range": {"start": {"line": line, "character": col_start},
                                          "end": {"line": line, "character": col_end}},
                                "text": text}]})
        time.sleep(pause)

    for _ in range(a.rounds):
        for i, ch in enumerate(a.text):
            change(col + i, col + i, ch)
        for i in range(len(a.text), 0, -1):
            change(col + i - 1, col + i, "")
    time.sleep(0.5)  # the last pause's work
    t1, t1_t = sess.cpu_ns(), time.perf_counter()
    typing_s = t1_t - t0_t
    sess.perf_stop()
    published = c.notifications["textDocument/publishDiagnostics"] - published0
    out = dict(vault=sess.vault, notes=sess.meta.get("notes"), cmd=c.proc.args, keys=keys,
               pause_ms=a.pause, loadavg_start=load_start)
    for k, name in ((0, "cpu_ms_per_key"), (1, "cpu_ms_per_key_ticks")):
        idle_rate = (idle1[k] - idle0[k]) / idle_s  # ns per second
        busy = (t1[k] - t0[k]) - idle_rate * typing_s
        out[name] = round(busy / keys / 1e6, 4)
        if k == 0:
            out["idle_ms_per_s"] = round(idle_rate / 1e6, 4)
    out["published"] = published
    out["loadavg_end"] = os.getloadavg()
    out["rss_peak_mib"] = sess.usage()["rss_peak_mib"]
    sess.stop()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
