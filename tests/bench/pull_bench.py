#!/usr/bin/env python3
"""workspace/diagnostic over stdio as VS Code's client drives it (issue #9): the client pulls
with a partialResultToken and the resultIds it holds, and asks again as soon as it is answered.

    python3 tests/bench/pull_bench.py --vault /work/vaults/v-100000 -- build-rel/notes-lsp

On a bench_session.Session (the index complete, the probe note open, the server idle; the
client says it pulls diagnostics, so nothing is pushed), prints one JSON line with, per step,
the wall time from sending to the answer ("ms"), the server's CPU over it ("cpu_ms", from
/proc/PID/task/*/schedstat), the bytes the server wrote meanwhile ("bytes": every framed
message, headers included) and the reports it sent (streamed as $/progress or in the answer):
  first            no previousResultIds, a partialResultToken: every note with problems, in
                   batches ("batches", "first_batch_ms": when the first one arrived)
  unchanged        the resultIds the first gave, no token (Neovim's one-shot pull): answered
                   at once with whatever changed, which is nothing
  held             the same with a token: the server holds the request; "cpu_ms" and "bytes"
                   over --hold seconds while it is held, then $/cancelRequest ("cancel_ms":
                   until the RequestCancelled answer)
  edit             held again, then the probe note is edited (a broken link appended): wall
                   and CPU from the didChange to the held pull's answer, and what it sent
  face             the same with an edit that also changes the probe note's face (a heading
                   typed), which other notes' diagnostics may read: only the notes that link
                   to or mention the probe note need diagnosing again
  shutdown         held again, then shutdown: until the held pull's (empty) answer and the
                   shutdown answer; then exit
with the load average at the start and end. --previous-run-style prints the same for a server
that answers every pull at once (one that predates holding: it answers the `held` step too).
Not a test: nothing asserts a time.
"""
import argparse
import json
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_session  # noqa: E402
from bench_session import lsp_bench  # noqa: E402


class Counting:
    """A reader that counts what passes through it."""

    def __init__(self, raw):
        self.raw, self.n = raw, 0

    def readline(self):
        line = self.raw.readline()
        self.n += len(line)
        return line

    def read(self, n):
        data = self.raw.read(n)
        self.n += len(data)
        return data


class Client(lsp_bench.LspClient):
    """The shared harness's client, counting the bytes read and the partial results."""

    def _read_loop(self):
        self.proc.stdout = self.counted = Counting(self.proc.stdout)
        self.partials = {}  # token -> [arrival time of each batch, reports]
        super()._read_loop()

    def _dispatch(self, msg, arrived):
        params = msg.get("params") or {}
        if msg.get("method") == "$/progress" and str(params.get("token", "")).startswith("pull-"):
            with self.cv:
                p = self.partials.setdefault(params["token"], [[], 0])
                p[0].append(arrived)
                p[1] += len(params["value"].get("items", []))
            return
        super()._dispatch(msg, arrived)

    def send_request(self, method, params):
        """Sends a request without waiting; its id."""
        with self.cv:
            self.next_id += 1
            rid = self.next_id
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return rid

    def wait(self, rid, timeout):
        """The answer to request rid: (message, arrival time)."""
        deadline = time.perf_counter() + timeout
        with self.cv:
            while rid not in self.pending:
                left = deadline - time.perf_counter()
                if left <= 0 or not self.alive:
                    raise TimeoutError(f"request {rid}")
                self.cv.wait(left)
            arrived, msg = self.pending.pop(rid)
        return msg, arrived


_plain_caps = lsp_bench.client_capabilities


def pulling_caps():
    caps = _plain_caps()
    caps["textDocument"]["diagnostic"] = {"dynamicRegistration": False}
    caps["workspace"]["diagnostics"] = {"refreshSupport": True}
    return caps


class Probe:
    """CPU, bytes and wall of what happens between start() and stop()."""

    def __init__(self, s):
        self.s = s

    def start(self):
        self.t, self.cpu, self.bytes = time.perf_counter(), self.s.cpu_ns()[0], self.s.client.counted.n
        return self

    def stop(self, end=None):
        return dict(ms=round(((end or time.perf_counter()) - self.t) * 1000, 1),
                    cpu_ms=round((self.s.cpu_ns()[0] - self.cpu) / 1e6, 1),
                    bytes=self.s.client.counted.n - self.bytes)


tokens = iter(range(1, 1 << 30))


def pull(c, ids, token=True):
    """Sends workspace/diagnostic; (request id, token or None)."""
    params = {"previousResultIds": ids}
    tok = None
    if token:
        tok = params["partialResultToken"] = f"pull-{next(tokens)}"
    return c.send_request("workspace/diagnostic", params), tok


def reports(c, msg, tok):
    streamed = c.partials.get(tok, [[], 0])
    return msg.get("result", {}).get("items", []), streamed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vault", required=True)
    ap.add_argument("--hold", type=float, default=2.0, help="seconds a held pull is watched")
    ap.add_argument("server_cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    lsp_bench.LspClient = Client
    lsp_bench.client_capabilities = pulling_caps
    out = dict(vault=os.path.realpath(a.vault), loadavg_start=os.getloadavg())
    s = bench_session.Session(a.vault, bench_session.server_cmd(a.server_cmd))
    c = s.client
    out["notes"] = s.meta.get("notes")
    out["cmd"] = bench_session.server_cmd(a.server_cmd)

    # The first pull, streamed.
    p = Probe(s).start()
    rid, tok = pull(c, [])
    msg, arrived = c.wait(rid, 900)
    answered, (batch_times, n_streamed) = reports(c, msg, tok)
    out["first"] = dict(p.stop(arrived), reports=n_streamed + len(answered), batches=len(batch_times),
                        first_batch_ms=round((batch_times[0] - p.t) * 1000, 1) if batch_times else None)
    items = []  # every report the first pull gave, for the ids (the partial results' too)
    # The harness dropped the streamed reports' bodies; ask once more without a token for them.
    result, _, _ = c.request("workspace/diagnostic", {"previousResultIds": []}, 900)
    items = result["items"]
    ids = [{"uri": r["uri"], "value": r["resultId"]} for r in items]
    out["ids"] = len(ids)

    # All unchanged, without a token: answered at once.
    p = Probe(s).start()
    rid, tok = pull(c, ids, token=False)
    msg, arrived = c.wait(rid, 900)
    out["unchanged"] = dict(p.stop(arrived), reports=len(msg["result"]["items"]),
                            kinds=sorted({r["kind"] for r in msg["result"]["items"]}))

    # All unchanged, with a token: held (or answered, by a server that does not hold).
    p = Probe(s).start()
    rid, tok = pull(c, ids)
    try:
        msg, arrived = c.wait(rid, a.hold)
        answered, (_, n_streamed) = reports(c, msg, tok)
        out["held"] = dict(p.stop(arrived), answered=True, reports=len(answered) + n_streamed)
    except TimeoutError:
        held = p.stop()
        q = Probe(s).start()
        c.notify("$/cancelRequest", {"id": rid})
        msg, arrived = c.wait(rid, 60)
        out["held"] = dict(held, answered=False, cancel_ms=q.stop(arrived)["ms"],
                           cancel_code=msg.get("error", {}).get("code"))

    def held_edit(version, line, text):
        """Holds a pull, then inserts text at line of the probe note: the Probe up to the held
        pull's answer, and that answer's reports (whose resultIds the client now holds)."""
        nonlocal ids
        rid, tok = pull(c, ids)
        c.request("workspace/symbol", {"query": "zzzz-no-such-name"}, 60)  # the pull was handled
        p = Probe(s).start()
        at = {"line": line, "character": 0}
        c.notify("textDocument/didChange", {"textDocument": dict(s.doc, version=version),
                                            "contentChanges": [{"range": {"start": at, "end": at}, "text": text}]})
        msg, arrived = c.wait(rid, 900)
        answered, (_, n_streamed) = reports(c, msg, tok)
        for r in answered:
            ids = [i for i in ids if i["uri"] != r["uri"]] + [{"uri": r["uri"], "value": r["resultId"]}]
        return dict(p.stop(arrived), reports=len(answered) + n_streamed), answered

    # Held, then the probe note gains a broken link: the held pull answers that note.
    line = s.text.count("\n")
    out["edit"], answered = held_edit(2, line, "\n[[no such note at all]]\n")
    out["edit"]["uris"] = [os.path.basename(lsp_bench.uri_to_path(r["uri"])) for r in answered[:3]]

    # Held, then the probe note gains a heading (its face changes) and another broken link.
    out["face"], _ = held_edit(3, line + 2, "\n## A heading typed\n\n[[another missing note]]\n")

    # Held, then shutdown: both answered, then exit.
    rid, tok = pull(c, ids)
    c.request("workspace/symbol", {"query": "zzzz-no-such-name"}, 60)
    p = Probe(s).start()
    sid = c.send_request("shutdown", None)
    held_msg, held_at = c.wait(rid, 60)
    _, shut_at = c.wait(sid, 60)
    c.stopping = True
    c.notify("exit", None)
    code = c.proc.wait(60)
    out["shutdown"] = dict(held_answer_ms=round((held_at - p.t) * 1000, 1),
                           shutdown_ms=round((shut_at - p.t) * 1000, 1),
                           exit_ms=round((time.perf_counter() - p.t) * 1000, 1), exit_code=code,
                           held_answer_reports=len(held_msg.get("result", {}).get("items", [])))
    out["loadavg_end"] = os.getloadavg()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
