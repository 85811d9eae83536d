#!/usr/bin/env python3
"""Task views over stdio (issue #9's targets), with the shared harness's client
(../shared/bench/lsp_bench.py: a response is timestamped as soon as its body is read, before
this client decodes it):

    python3 tests/bench/views_bench.py --vault /tmp/notes-lsp-bench-100000 -- build-rel/notes-lsp

Waits for the complete index, then sends each request --iterations times and prints one JSON
line (p50/p95/max in ms, items, response bytes):
  tasks_all            workspace/executeCommand notes-lsp.tasks, no filters (default statuses):
                       the server's first page (500 tasks)
  tasks_page2          the same from offset 500
  tasks_all_limit100   the same with limit 100
  tasks_all_limit1000  the same with limit 1000
  tasks_full           limit 0: every open task of the vault (fewer iterations; its size in MB)
  tasks_person         owner: the probe person (narrowed through the index)
  lens_* / resolve_*   textDocument/codeLens and codeLens/resolve of the probe person, account
                       and meeting notes
  inlay_meeting        textDocument/inlayHint over the probe meeting note
  wdiag_first          workspace/diagnostic with no previousResultIds (one run)
  wdiag_unchanged      workspace/diagnostic with the resultIds the first one gave
and, on the command line, `notes-lsp tasks` in each format against `notes-lsp check` on the same
vault (wall and CPU seconds, best of --cli-runs, and that run's peak RSS; --cli-only for just
these), with the load average at the start and end. The client
says it pulls diagnostics, so the server pushes none while it is measured. Not a test:
nothing asserts a time. --today fixes "today" (default 2025-11-15) so runs compare.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

sys.path.insert(0, "/work/shared/bench")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                "shared", "bench"))
import lsp_bench  # noqa: E402


def stats(lat):
    s = sorted(lat)
    return dict(p50_ms=round(statistics.median(s), 3), p95_ms=round(lsp_bench.percentile(s, 95), 3),
                max_ms=round(s[-1], 3))


def cli_time(cmd, runs):
    """Best wall and CPU seconds (and that run's peak RSS) of a command whose output is thrown
    away."""
    best = None
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode not in (0, 1):  # check exits 1 when it finds problems
            sys.exit(f"{' '.join(cmd)}: exit {p.returncode}")
        run = (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024)
        if best is None or wall < best[0]:
            best = run
    return dict(wall_s=round(best[0], 3), cpu_s=round(best[1], 3), peak_mib=round(best[2], 1))


def cli(out, cmd, vault, a):
    """`notes-lsp check` against `notes-lsp tasks` in each format on the vault; the ratios are
    tasks over check, in wall and in CPU seconds (issue #9: under 2)."""
    check = out["cli_check"] = cli_time(cmd + ["check", "--today", a.today, vault], a.cli_runs)
    for fmt in ("text", "json", "markdown"):
        key = "cli_tasks" if fmt == "text" else "cli_tasks_" + fmt
        t = out[key] = cli_time(cmd + ["tasks", "--format", fmt, "--today", a.today, vault],
                                a.cli_runs)
        t["over_check_wall"] = round(t["wall_s"] / check["wall_s"], 2)
        t["over_check_cpu"] = round(t["cpu_s"] / check["cpu_s"], 2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vault", required=True)
    ap.add_argument("--iterations", type=int, default=50)
    ap.add_argument("--cli-runs", type=int, default=3)
    ap.add_argument("--today", default="2025-11-15")
    ap.add_argument("--quick", action="store_true",
                    help="skip the command line, the full answer and workspace/diagnostic")
    ap.add_argument("--cli-only", action="store_true",
                    help="only the command line: check against tasks in each format")
    ap.add_argument("server_cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.server_cmd[1:] if a.server_cmd[:1] == ["--"] else a.server_cmd
    if cmd and "/" in cmd[0]:
        cmd[0] = os.path.abspath(cmd[0])  # the server runs in the vault
    vault = os.path.realpath(a.vault)
    meta = json.load(open(os.path.join(vault, ".bench.json")))
    probe = meta["probe"]
    out = dict(vault=vault, notes=meta.get("notes"), cmd=cmd, iterations=a.iterations,
               today=a.today, loadavg_start=os.getloadavg())

    # The command line first, while no server holds a core.
    if not a.quick:
        cli(out, cmd, vault, a)
    if a.cli_only:
        out["loadavg_end"] = os.getloadavg()
        print(json.dumps(out))
        return

    folders = [{"uri": lsp_bench.file_uri(vault), "name": os.path.basename(vault)}]
    c = lsp_bench.LspClient(cmd, vault, None, folders)
    caps = lsp_bench.client_capabilities()
    caps["textDocument"]["diagnostic"] = {"dynamicRegistration": False}
    caps["workspace"]["diagnostics"] = {"refreshSupport": False}
    c.request("initialize", {"processId": os.getpid(), "rootUri": lsp_bench.file_uri(vault),
                             "workspaceFolders": folders, "capabilities": caps}, 300)
    c.notify("initialized", {})
    person_file = os.path.realpath(os.path.join(vault, probe["person_path"]))
    start = time.perf_counter()
    while time.perf_counter() - start < 300:
        r, _, _ = c.request("workspace/symbol", {"query": probe["person"]}, 300)
        if lsp_bench.points_to(r, person_file):
            break
        time.sleep(0.05)
    docs = {k: {"uri": lsp_bench.file_uri(os.path.join(vault, probe[p]))}
            for k, p in (("person", "person_path"), ("account", "account_path"),
                         ("meeting", "note"))}

    def tasks(filters):
        return ("workspace/executeCommand",
                {"command": "notes-lsp.tasks", "arguments": [dict(filters, today=a.today)]})

    def first_lens(doc):
        r, _, _ = c.request("textDocument/codeLens", {"textDocument": doc}, 60)
        return r[0] if r else None

    queries = {
        "tasks_all": tasks({}),
        "tasks_page2": tasks({"offset": 500}),
        "tasks_all_limit100": tasks({"limit": 100}),
        "tasks_all_limit1000": tasks({"limit": 1000}),
        "tasks_full": tasks({"limit": 0}),
        "tasks_person": tasks({"owner": probe["person"]}),
        "lens_person": ("textDocument/codeLens", {"textDocument": docs["person"]}),
        "lens_meeting": ("textDocument/codeLens", {"textDocument": docs["meeting"]}),
        "resolve_person": ("codeLens/resolve", first_lens(docs["person"])),
        "resolve_account": ("codeLens/resolve", first_lens(docs["account"])),
        "inlay_meeting": ("textDocument/inlayHint", {
            "textDocument": docs["meeting"],
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 10000, "character": 0}}}),
    }
    if a.quick:
        del queries["tasks_full"]
    for name, (method, params) in queries.items():
        if params is None:
            continue
        lat, n = [], 0
        iterations = 3 if name == "tasks_full" else a.iterations
        for _ in range(iterations):
            result, sent, arrived = c.request(method, params, 600)
            lat.append((arrived - sent) * 1000)
            n = len(result) if isinstance(result, list) else (1 if result else 0)
        out[name] = dict(stats(lat), items=n, iterations=iterations)
        if name.startswith("tasks_all") or name == "tasks_full":
            out[name]["response_mb"] = round(len(json.dumps(result, ensure_ascii=False)
                                                  .encode()) / 1e6, 2)
        result = None
    # Pulled diagnostics: the first pull computes every note's; the next, with the ids it
    # gave, only says "unchanged".
    if not a.quick:
        pulled_diagnostics(c, out, a)
    out.update(lsp_bench.tree_usage(c.proc.pid))
    c.stop()
    out["loadavg_end"] = os.getloadavg()
    print(json.dumps(out))


def pulled_diagnostics(c, out, a):
    result, sent, arrived = c.request("workspace/diagnostic", {"previousResultIds": []}, 900)
    out["wdiag_first"] = dict(ms=round((arrived - sent) * 1000, 1), reports=len(result["items"]))
    ids = [{"uri": r["uri"], "value": r["resultId"]} for r in result["items"]]
    lat = []
    for _ in range(max(3, a.iterations // 10)):
        result, sent, arrived = c.request("workspace/diagnostic", {"previousResultIds": ids}, 900)
        lat.append((arrived - sent) * 1000)
    out["wdiag_unchanged"] = dict(stats(lat), reports=len(result["items"]),
                                  unchanged=sum(r["kind"] == "unchanged" for r in result["items"]),
                                  iterations=len(lat))


if __name__ == "__main__":
    main()
