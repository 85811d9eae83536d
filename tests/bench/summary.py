#!/usr/bin/env python3
"""Issue 13's table from the JSON lines run.sh appended (the last run of each step per vault):

    python3 tests/bench/summary.py tests/bench/results.jsonl

Prints a markdown table, one column per vault size. Units: MiB = 2^20 bytes (the harness's
rss_peak_mb is VmHWM kB / 1024, so MiB), MB = 10^6 bytes; latencies in ms, p50 / p95 over
stdio; "CPU" is the server's own (schedstat run time) per request or per keystroke.
"""
import json
import sys

MIB = 1 << 20


def load(path):
    runs = {}
    for line in open(path):
        line = line.strip()
        if not line.startswith("{"):
            continue
        d = json.loads(line)
        if "step" in d:
            runs.setdefault(d["notes_n"], {})[d["step"]] = d
    return runs


def lat(v, cpu=True):
    if not v:
        return "–"
    s = "%.3g / %.3g" % (v["p50_ms"], v["p95_ms"])
    if cpu and "cpu_p50_ms" in v:
        s += " (CPU %.3g / %.3g)" % (v["cpu_p50_ms"], v["cpu_p95_ms"])
    return s


def main():
    runs = load(sys.argv[1] if len(sys.argv) > 1 else "tests/bench/results.jsonl")
    sizes = sorted(runs)
    rows = []

    def row(name, fn):
        cells = []
        for n in sizes:
            try:
                cells.append(fn(runs[n]))
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("–")
        rows.append("| %s | %s |" % (name, " | ".join(cells)))

    floor = lambda r: r["floor"]["floor_s"]
    row("vault: notes, bytes", lambda r: "%d, %.1f MB = %.1f MiB" % (
        r["floor"]["notes"], r["floor"]["bytes"] / 1e6, r["floor"]["bytes"] / MIB))
    row("floor: read + libcmark parse, one core (s)", lambda r: "%.2f (%.2f + %.2f)" % (
        floor(r), r["floor"]["read_s"], r["floor"]["libcmark_parse_s"]))
    row("first start: ready (s), CPU to ready (s)", lambda r: "%.2f, %.2f" % (
        r["start1"]["ready_s"], r["start1"]["cpu_ready_s"]))
    row("CPU to a complete index ÷ floor", lambda r: "%.2f×" % (r["start1"]["cpu_ready_s"] / floor(r)))
    row("CPU per note to ready (µs)", lambda r: "%.0f" % (r["start1"]["cpu_ready_s"] / r["floor"]["notes"] * 1e6))
    row("second start (cache): ready (s), ÷ first", lambda r: "%.2f, %.2f" % (
        r["start2"]["ready_s"], r["start2"]["ready_s"] / r["start1"]["ready_s"]))
    row("peak RSS, first start (MiB) ÷ vault (MiB)", lambda r: "%.0f MiB, %.2f×" % (
        r["start1"]["rss_peak_mb"], r["start1"]["rss_peak_mb"] * MIB / r["floor"]["bytes"]))
    for key, name in (("references_person", "references, probe person (%d)"),
                      ("references_mention", "references from an @mention (%d)"),
                      ("hover_link", "hover on a wikilink"),
                      ("definition_link", "definition on a wikilink"),
                      ("workspace_symbol", "workspace/symbol, probe person")):
        n0 = runs[sizes[0]].get("nav", {}).get(key, {}).get("results", 0)
        row(name % n0 if "%d" in name else name, lambda r, k=key: lat(r["nav"][k]))
    for key in ("[[", "[[Q", "[[Que", "[[Quent", "@Quent"):
        row("completion `%s` (items, bytes)" % key, lambda r, k=key: "%s; %d, %d" % (
            lat(r["complete"][k]), r["complete"][k]["items"], r["complete"][k]["bytes"]))
    row("completion `[[Que` (lsp_bench, 200 requests)", lambda r: lat(r["start2"]["completion"], False))
    row("typing, 100 ms pauses: CPU per key (ms)", lambda r: "%.3f (%d publishes)" % (
        r["typing100"]["cpu_ms_per_key"], r["typing100"]["published"]))
    row("typing, 400 ms pauses: CPU per key (ms)", lambda r: "%.3f (%d publishes)" % (
        r["typing400"]["cpu_ms_per_key"], r["typing400"]["published"]))
    row("load average (1 min) during nav / typing", lambda r: "%.1f / %.1f" % (
        r["nav"]["loadavg"][0], r["typing100"]["loadavg_start"][0]))
    print("| at N notes | " + " | ".join("{:,}".format(n) for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    print("\n".join(rows))
    peer = next((runs[n]["peer"] for n in sizes if "peer" in runs[n]), None)
    if peer:
        print("\npeer %s at %d notes: ready %.2f s via %s, CPU %.1f s, peak RSS %.0f MiB; "
              "completion md path %s; workspace/symbol %s" % (
                  peer["label"], peer["notes"], peer["ready_s"], peer["ready_signal"],
                  peer["cpu_s"], peer["rss_peak_mb"], lat(peer.get("completion_mdlink"), False),
                  lat(peer.get("workspace_symbol"), False)))


if __name__ == "__main__":
    main()
