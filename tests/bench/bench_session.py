"""What the benchmarks over stdio share (nav_bench.py, typing_bench.py, completion_bench.py):
a session with notes-lsp on a gen_vault.py vault through the shared harness's client
(../shared/bench/lsp_bench.py: a response is timestamped as soon as its body is read), the
probe note open and the index complete."""
import glob
import json
import os
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "bench"))
sys.path.insert(0, "/work/shared/bench")
import lsp_bench  # noqa: E402,F401  (re-exported for the scripts)


def server_cmd(argv):
    """The server command after an optional "--", its program made absolute (the server runs
    in the vault)."""
    cmd = argv[1:] if argv[:1] == ["--"] else list(argv)
    if cmd and "/" in cmd[0]:
        cmd[0] = os.path.abspath(cmd[0])
    return cmd


TICK = os.sysconf("SC_CLK_TCK")


def stats(values, prefix=""):
    """p50, p95 (nearest rank) and max of values in ms, keys prefixed."""
    s = sorted(values)
    return {prefix + "p50_ms": round(statistics.median(s), 3),
            prefix + "p95_ms": round(lsp_bench.percentile(s, 95), 3),
            prefix + "max_ms": round(s[-1], 3)}


def cpu_ns(pid):
    """A process's CPU so far: (the sum over its threads of /proc/PID/task/*/schedstat's run
    time, in ns; /proc/PID/stat utime+stime in ns, at 1/CLK_TCK resolution)."""
    run = 0
    for f in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            with open(f) as fh:
                run += int(fh.read().split()[0])
        except OSError:
            pass  # a thread that just ended
    with open(f"/proc/{pid}/stat", "rb") as fh:
        fields = fh.read().rsplit(b")", 1)[1].split()
    return run, (int(fields[11]) + int(fields[12])) * 1_000_000_000 // TICK


class Session:
    """notes-lsp started on vault: initialized (with init_options), the probe note open
    (self.doc, self.text), and the index complete (the probe person found through
    workspace/symbol)."""

    def __init__(self, vault, cmd, init_options=None):
        self.vault = os.path.realpath(vault)
        self.meta = json.load(open(os.path.join(self.vault, ".bench.json")))
        self.probe = self.meta["probe"]
        note = os.path.join(self.vault, self.probe["note"])
        self.doc = {"uri": lsp_bench.file_uri(note)}
        self.text = open(note, encoding="utf-8").read()
        folders = [{"uri": lsp_bench.file_uri(self.vault), "name": os.path.basename(self.vault)}]
        self.client = c = lsp_bench.LspClient(cmd, self.vault, None, folders)
        c.request("initialize", {"processId": os.getpid(),
                                 "rootUri": lsp_bench.file_uri(self.vault),
                                 "workspaceFolders": folders,
                                 "initializationOptions": init_options,
                                 "capabilities": lsp_bench.client_capabilities()}, 300)
        c.notify("initialized", {})
        c.notify("textDocument/didOpen", {"textDocument": dict(
            self.doc, languageId="markdown", version=1, text=self.text)})
        person_file = os.path.realpath(os.path.join(self.vault, self.probe["person_path"]))
        start = time.perf_counter()
        while time.perf_counter() - start < 300:
            r, _, _ = c.request("workspace/symbol", {"query": self.probe["person"]}, 300)
            if lsp_bench.points_to(r, person_file):
                break
            time.sleep(0.05)
        self.settle()

    def settle(self, quiet_ms=1.0, window_s=0.3, limit_s=60):
        """Waits until the server is idle (what the scan's end starts: the first diagnostics,
        the index cache) so it is not measured: under quiet_ms of CPU in a window_s window."""
        end = time.perf_counter() + limit_s
        before = self.cpu_ns()[0]
        while time.perf_counter() < end:
            time.sleep(window_s)
            now = self.cpu_ns()[0]
            if now - before < quiet_ms * 1e6:
                return
            before = now

    @property
    def pid(self):
        return self.client.proc.pid

    def cpu_ns(self):
        return cpu_ns(self.pid)

    def usage(self):
        """The server's peak RSS (VmHWM; the harness's "mb" are MiB: kB / 1024) and CPU s."""
        u = lsp_bench.tree_usage(self.pid)
        return dict(rss_peak_mib=u["rss_peak_mb"], cpu_s=u["cpu_s"])

    def perf_start(self, path):
        """perf record (DWARF call graphs) of the server into path until perf_stop; the
        sampling adds to the CPU measured meanwhile. No-op for an empty path."""
        self.perf = None
        if path:
            self.perf = subprocess.Popen(["perf", "record", "--call-graph", "dwarf,16384", "-q",
                                          "-o", path, "-p", str(self.pid)])
            time.sleep(0.5)

    def perf_stop(self):
        if getattr(self, "perf", None) is not None:
            self.perf.send_signal(signal.SIGINT)
            self.perf.wait()
            self.perf = None

    def stop(self):
        self.perf_stop()
        self.client.stop()
