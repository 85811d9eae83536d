"""Server behaviour over real stdio: transports (pipe, socket, file), lifecycle and exit codes,
cancellation, errors, position encodings, progress, configuration problems, and live index
updates from disk (fs events, and workspace/didChangeWatchedFiles). Python 3 stdlib only.

    NOTES_LSP=build/notes-lsp python3 -m unittest tests/server/test_server.py
"""
import json
import os
import select
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
VAULT = os.path.join(HERE, "..", "vault-example")
SERVER = os.environ.get("NOTES_LSP", os.path.join(HERE, "..", "..", "build", "notes-lsp"))
KICKOFF = "Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md"


def frame(msg):
    body = json.dumps(msg).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def uri_of(path):
    return "file://" + urllib.parse.quote(os.path.abspath(path))


def measured_env():
    """The environment for a server whose memory a test measures: under AddressSanitizer the
    quarantine of freed blocks (256 MiB by default) would look like growth."""
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=1"
    return env


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Client:
    """A minimal LSP client over the server's stdio (pipes, or one socket for both)."""

    def __init__(self, root, use_socket=False, args=(), env=None):
        self.root = root
        self.buf = b""
        self.next_id = 100
        self.inbox = []
        if use_socket:
            ours, theirs = socket.socketpair()
            self.proc = subprocess.Popen([SERVER, *args], stdin=theirs, stdout=theirs,
                                         stderr=subprocess.PIPE, cwd=root, env=env)
            theirs.close()
            self.sock = ours
            self.rfd = ours.fileno()
        else:
            self.proc = subprocess.Popen([SERVER, *args], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=root,
                                         env=env)
            self.sock = None
            self.rfd = self.proc.stdout.fileno()

    def write(self, data):
        if self.sock:
            self.sock.sendall(data)
        else:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def send(self, msg):
        self.write(frame(msg))

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params, timeout=10):
        self.next_id += 1
        rid = self.next_id
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == rid and "method" not in m, timeout)

    def _read_one(self, timeout):
        end = time.time() + timeout
        while True:
            i = self.buf.find(b"\r\n\r\n")
            if i >= 0:
                headers = self.buf[:i].decode().split("\r\n")
                n = int(next(h.split(":")[1] for h in headers if h.lower().startswith("content-length")))
                if len(self.buf) >= i + 4 + n:
                    body = self.buf[i + 4:i + 4 + n]
                    self.buf = self.buf[i + 4 + n:]
                    return json.loads(body)
            left = end - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select([self.rfd], [], [], left)
            if not r:
                return None
            data = os.read(self.rfd, 65536)
            if not data:
                return None
            self.buf += data

    def wait(self, pred, timeout=10):
        for m in self.inbox:
            if pred(m):
                self.inbox.remove(m)
                return m
        end = time.time() + timeout
        while time.time() < end:
            m = self._read_one(end - time.time())
            if m is None:
                break
            if "method" in m and "id" in m:  # a server request: answer it
                self.send({"jsonrpc": "2.0", "id": m["id"], "result": None})
            if pred(m):
                return m
            self.inbox.append(m)
        return None

    def initialize(self, caps=None, options=None):
        params = {"processId": os.getpid(), "rootUri": uri_of(self.root),
                  "capabilities": caps or {},
                  "initializationOptions": options if options is not None else {"today": "2025-11-15"}}
        reply = self.request("initialize", params)
        self.notify("initialized", {})
        return reply

    def open(self, rel):
        path = os.path.join(self.root, rel)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri_of(path), "languageId": "markdown", "version": 1, "text": text}})
        return uri_of(path)

    def diagnostics(self, uri, pred=lambda d: True, timeout=10):
        return self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                         and m["params"]["uri"] == uri and pred(m["params"]["diagnostics"]), timeout)

    def close(self):
        if self.proc.poll() is None:
            try:
                self.request("shutdown", None, timeout=5)
                self.notify("exit", None)
            except (BrokenPipeError, OSError):
                pass
        try:
            return self.proc.wait(10)
        finally:
            if self.sock:
                self.sock.close()
            for s in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                if s:
                    s.close()


class ServerTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nl-server-")
        self.vault = os.path.join(self.tmp, "vault")
        shutil.copytree(VAULT, self.vault)
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            if c.proc.poll() is None:
                c.proc.kill()
                c.proc.wait()
            for s in (c.proc.stdin, c.proc.stdout, c.proc.stderr):
                if s:
                    try:
                        s.close()
                    except BrokenPipeError:
                        pass
        shutil.rmtree(self.tmp)

    def client(self, **kw):
        c = Client(self.vault, **kw)
        self.clients.append(c)
        return c

    def test_lifecycle_over_pipes(self):
        c = self.client()
        reply = c.initialize()
        caps = reply["result"]["capabilities"]
        self.assertEqual(caps["positionEncoding"], "utf-16")
        self.assertEqual(caps["textDocumentSync"]["change"], 2)
        self.assertEqual(reply["result"]["serverInfo"]["name"], "notes-lsp")
        self.assertEqual(c.close(), 0)

    def test_exit_without_shutdown_is_1(self):
        c = self.client()
        c.initialize()
        c.notify("exit", None)
        self.assertEqual(c.proc.wait(10), 1)

    def test_socket_stdio(self):
        c = self.client(use_socket=True)
        self.assertIn("capabilities", c.initialize()["result"])
        self.assertEqual(c.close(), 0)

    def test_stdin_is_a_file(self):
        path = os.path.join(self.tmp, "input")
        with open(path, "wb") as f:
            f.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                           "params": {"processId": None, "rootUri": uri_of(self.vault), "capabilities": {}}}))
            f.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
            f.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
            f.write(frame({"jsonrpc": "2.0", "method": "exit"}))
        with open(path, "rb") as stdin:
            out = subprocess.run([SERVER], stdin=stdin, capture_output=True, timeout=20)
        self.assertEqual(out.returncode, 0, out.stderr.decode())
        self.assertIn(b'"id":1,"result":{"capabilities"', out.stdout)
        self.assertIn(b'"id":2,"result":null', out.stdout)

    def test_errors(self):
        c = self.client()
        early = c.request("workspace/symbol", {"query": "x"})
        self.assertEqual(early["error"]["code"], -32002)
        c.initialize()
        c.write(b"Content-Length: 9\r\n\r\n{\"bad\": }")
        err = c.wait(lambda m: m.get("error", {}).get("code") == -32700)
        self.assertIsNotNone(err)
        self.assertIsNone(err["id"])
        self.assertEqual(c.request("no/such", {})["error"]["code"], -32601)
        c.notify("$/unknownNotification", {})
        uri = c.open(KICKOFF)
        bad = c.request("textDocument/completion", {"textDocument": {"uri": uri}})
        self.assertEqual(bad["error"]["code"], -32602)
        self.assertIn("position", bad["error"]["message"])
        # Still alive and answering after all that.
        self.assertIn("result", c.request("workspace/symbol", {"query": "Ana"}))
        self.assertEqual(c.close(), 0)

    def test_references_over_stdio(self):
        c = self.client()
        reply = c.initialize()
        self.assertTrue(reply["result"]["capabilities"]["referencesProvider"])
        uri = c.open("Accounts/Contoso.md")
        refs = c.request("textDocument/references", {"textDocument": {"uri": uri},
                                                      "position": {"line": 9, "character": 3},
                                                      "context": {"includeDeclaration": False}})
        files = sorted({r["uri"].rsplit("/", 1)[1] for r in refs["result"]})
        self.assertIn("Ana%20Ruiz.md", files)
        self.assertIn("2025-11-06.md", files)
        self.assertEqual(c.close(), 0)

    def test_cancel_in_the_same_read(self):
        c = self.client()
        c.initialize()
        c.write(frame({"jsonrpc": "2.0", "id": 7, "method": "workspace/symbol", "params": {"query": "a"}})
                + frame({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 7}}))
        reply = c.wait(lambda m: m.get("id") == 7)
        self.assertEqual(reply["error"]["code"], -32800)
        self.assertEqual(c.close(), 0)

    def test_utf8_and_utf32_negotiated(self):
        for offered, chosen in ((["utf-8", "utf-16"], "utf-8"), (["utf-32", "utf-16"], "utf-32"),
                                (["utf-16"], "utf-16")):
            c = self.client()
            reply = c.initialize(caps={"general": {"positionEncodings": offered}})
            self.assertEqual(reply["result"]["capabilities"]["positionEncoding"], chosen)
            self.assertEqual(c.close(), 0)

    def test_progress_while_indexing(self):
        c = self.client()
        c.initialize(caps={"window": {"workDoneProgress": True}})
        create = c.wait(lambda m: m.get("method") == "window/workDoneProgress/create")
        self.assertIsNotNone(create)
        token = create["params"]["token"]
        kinds = []
        while "end" not in kinds:
            m = c.wait(lambda m: m.get("method") == "$/progress" and m["params"]["token"] == token)
            self.assertIsNotNone(m, kinds)
            kinds.append(m["params"]["value"]["kind"])
        self.assertEqual(kinds[0], "begin")
        self.assertEqual(c.close(), 0)

    def test_invalid_configuration_is_reported(self):
        c = self.client()
        c.initialize(options={"today": "someday", "folderz": []})
        msg = c.wait(lambda m: m.get("method") == "window/showMessage")
        self.assertIsNotNone(msg)
        self.assertIn("today: expected YYYY-MM-DD", msg["params"]["message"])
        self.assertIn("folderz: unknown setting", msg["params"]["message"])
        self.assertEqual(c.close(), 0)

    def _broken(self, diags, name):
        return any(d.get("code") == "broken-link" and name in d["message"] for d in diags)

    def test_fs_events_update_the_index(self):
        # No dynamic registration: the server watches folders itself.
        c = self.client()
        c.initialize()
        uri = c.open(KICKOFF)
        self.assertIsNotNone(c.diagnostics(uri, lambda d: self._broken(d, "Northwind Traders")))
        with open(os.path.join(self.vault, "Accounts", "Northwind Traders.md"), "w") as f:
            f.write("---\ntype: account\n---\n# Northwind Traders\n")
        self.assertIsNotNone(c.diagnostics(uri, lambda d: not self._broken(d, "Northwind Traders")))
        os.unlink(os.path.join(self.vault, "Accounts", "Northwind Traders.md"))
        self.assertIsNotNone(c.diagnostics(uri, lambda d: self._broken(d, "Northwind Traders")))
        self.assertEqual(c.close(), 0)

    def test_watched_files_notification(self):
        c = self.client()
        c.initialize(caps={"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}})
        reg = c.wait(lambda m: m.get("method") == "client/registerCapability")
        self.assertEqual(reg["params"]["registrations"][0]["method"], "workspace/didChangeWatchedFiles")
        uri = c.open(KICKOFF)
        self.assertIsNotNone(c.diagnostics(uri, lambda d: self._broken(d, "Northwind Traders")))
        path = os.path.join(self.vault, "Northwind Traders.md")
        with open(path, "w") as f:
            f.write("# Northwind Traders\n")
        c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri_of(path), "type": 1}]})
        self.assertIsNotNone(c.diagnostics(uri, lambda d: not self._broken(d, "Northwind Traders")))
        os.unlink(path)
        c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri_of(path), "type": 3}]})
        self.assertIsNotNone(c.diagnostics(uri, lambda d: self._broken(d, "Northwind Traders")))
        self.assertEqual(c.close(), 0)

    def test_ignore_setting_changes_the_index(self):
        c = self.client()
        c.initialize()
        uri = c.open("Daily/2025-11-06.md")
        ambiguous = lambda d: any(x.get("code") == "ambiguous-link" for x in d)
        self.assertIsNotNone(c.diagnostics(uri, ambiguous))
        c.notify("workspace/didChangeConfiguration",
                 {"settings": {"notesLsp": {"today": "2025-11-15", "ignore": ["Archive/**"]}}})
        self.assertIsNotNone(c.diagnostics(uri, lambda d: not ambiguous(d)))
        c.notify("workspace/didChangeConfiguration",
                 {"settings": {"notesLsp": {"today": "2025-11-15", "ignore": []}}})
        self.assertIsNotNone(c.diagnostics(uri, ambiguous))
        self.assertEqual(c.close(), 0)

    def test_editor_death_ends_the_server(self):
        editor = subprocess.Popen(["sleep", "60"])
        c = self.client()
        c.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"processId": editor.pid, "rootUri": uri_of(self.vault), "capabilities": {}}})
        self.assertIsNotNone(c.wait(lambda m: m.get("id") == 1))
        editor.kill()
        editor.wait()
        self.assertEqual(c.proc.wait(15), 1)

    def test_exit_while_indexing(self):
        # Many notes, then shutdown and exit at once: the scan is cancelled rather than waited
        # for (issue #14: 80 s on a 170k-note root), the server exits 0 and, under the
        # sanitizers, frees what the scan had parsed.
        big = os.path.join(self.vault, "Bulk")
        os.mkdir(big)
        for i in range(10000):
            with open(os.path.join(big, "n%d.md" % i), "w") as f:
                f.write("# Note %d\n\n- [ ?] Task @Ana Ruiz \U0001F4C5 2025-11-%02d #task #proposed [[Contoso]]\n"
                        % (i, i % 28 + 1))
        log = os.path.join(self.tmp, "server.log")
        c = self.client(args=("--log-file", log, "--log-level", "info"))
        c.initialize(caps={"window": {"workDoneProgress": True}})
        self.assertEqual(c.close(), 0)
        with open(log) as f:
            text = f.read()
        self.assertIn("indexing stopped after", text)
        self.assertNotIn("index ready", text)

    def scanning_bulk(self):
        """A client whose server is scanning 10,000 more notes (it sent $/progress), and the
        server's log file."""
        big = os.path.join(self.vault, "Bulk")
        os.mkdir(big)
        for i in range(10000):
            with open(os.path.join(big, "n%d.md" % i), "w") as f:
                f.write("# Note %d\n\nSee [[Ana Ruiz]].\n" % i)
        log = os.path.join(self.tmp, "server.log")
        c = self.client(args=("--log-file", log, "--log-level", "info"))
        c.initialize(caps={"window": {"workDoneProgress": True}})
        self.assertIsNotNone(c.wait(lambda m: m.get("method") == "$/progress"))  # scanning
        return c, log

    def test_shutdown_answers_requests_held_for_the_index(self):
        # A request held for the first scan, then shutdown before the scan ends: the held
        # request is answered (RequestFailed) before shutdown's own answer, not dropped.
        c, log = self.scanning_bulk()
        c.send({"jsonrpc": "2.0", "id": 910, "method": "workspace/symbol", "params": {"query": "Note"}})
        c.send({"jsonrpc": "2.0", "id": 911, "method": "shutdown"})
        down = c.wait(lambda m: m.get("id") == 911, 60)
        self.assertIsNone(down.get("error"), down)
        held = [m for m in c.inbox if m.get("id") == 910]
        self.assertEqual(len(held), 1, "the held request is answered before shutdown's answer")
        c.send({"jsonrpc": "2.0", "method": "exit"})
        self.assertEqual(c.proc.wait(20), 0)
        with open(log) as f:
            ready = "index ready" in f.read()
        if ready:  # the scan won the race on a fast machine: answered from the whole index
            self.assertIn("result", held[0])
        else:
            self.assertEqual(held[0]["error"]["code"], -32803, held[0])

    def test_stdin_closing_while_indexing(self):
        c, log = self.scanning_bulk()
        c.proc.stdin.close()
        self.assertEqual(c.proc.wait(20), 1)  # no exit notification: status 1
        with open(log) as f:
            text = f.read()
        self.assertIn("indexing stopped after", text)
        self.assertNotIn("index ready", text)

    def test_max_notes_caps_the_scan(self):
        log = os.path.join(self.tmp, "server.log")
        c = self.client(args=("--log-file", log, "--log-level", "info"))
        c.initialize(caps={"window": {"workDoneProgress": True}},
                     options={"today": "2025-11-15", "maxNotes": 5})
        end = c.wait(lambda m: m.get("method") == "$/progress"
                     and m["params"]["value"]["kind"] == "end", 30)
        self.assertEqual(end["params"]["value"]["message"], "5 notes")
        shown = c.wait(lambda m: m.get("method") == "window/showMessage", 10)
        self.assertIsNotNone(shown, "the cap is shown to the user, not only logged")
        self.assertEqual(shown["params"]["type"], 2)
        self.assertIn("indexed only 5 notes (the maxNotes setting)", shown["params"]["message"])
        # Still serving, from the notes it has.
        self.assertIn("result", c.request("workspace/symbol", {"query": ""}))
        self.assertEqual(c.close(), 0)
        with open(log) as f:
            text = f.read()
        self.assertIn("indexing only 5 notes (the maxNotes setting) in " + self.vault, text)

    def test_second_initialized_is_ignored(self):
        log = os.path.join(self.tmp, "server.log")
        c = self.client(args=("--log-file", log, "--log-level", "info"))
        c.initialize()
        c.notify("initialized", {})
        self.assertIn("result", c.request("workspace/symbol", {"query": "Ana"}))
        time.sleep(0.3)
        self.assertIn("result", c.request("workspace/symbol", {"query": "Ana"}))
        self.assertEqual(c.close(), 0)
        with open(log) as f:
            text = f.read()
        self.assertEqual(text.count("indexing 17 notes"), 1, text)
        self.assertIn("ignored a second initialized notification", text)

    # ---- a hostile vault (issue #14) --------------------------------------------------------

    def _symbols(self, c, query):
        reply = c.request("workspace/symbol", {"query": query}, timeout=10)
        self.assertIsNotNone(reply, "no answer to workspace/symbol: the server hangs")
        return [s["location"]["uri"] for s in reply["result"]]

    def test_fifo_notes_never_block(self):
        # A FIFO named *.md in the vault at the first scan, one made while the server runs
        # (seen by the fs watch and announced by didChangeWatchedFiles), and the didClose of
        # a FIFO's URI: the server never opens one for reading, keeps answering, and SIGTERM
        # still ends it.
        os.mkfifo(os.path.join(self.vault, "trap.md"))
        c = self.client()
        c.initialize()
        self.assertTrue(self._symbols(c, "Ana"))
        late = os.path.join(self.vault, "People", "late.md")
        os.mkfifo(late)
        c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri_of(late), "type": 1}]})
        self.assertTrue(self._symbols(c, "Ana"))
        fifo_uri = uri_of(os.path.join(self.vault, "trap.md"))
        c.notify("textDocument/didOpen", {"textDocument": {
            "uri": fifo_uri, "languageId": "markdown", "version": 1, "text": "# Zqxtrap\n"}})
        self.assertTrue(self._symbols(c, "Zqxtrap"))
        c.notify("textDocument/didClose", {"textDocument": {"uri": fifo_uri}})
        self.assertTrue(self._symbols(c, "Ana"))
        self.assertFalse(self._symbols(c, "Zqxtrap"))
        c.proc.terminate()
        self.assertEqual(c.proc.wait(10), 1)

    def _outside(self, text):
        outside = os.path.join(self.tmp, "outside")
        os.makedirs(outside, exist_ok=True)
        path = os.path.join(outside, "secret.md")
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_links_out_of_the_vault_are_not_read_after_the_scan(self):
        secret = self._outside("# SECRETHEADING\n\nkey: hunter2\n")
        c = self.client()
        c.initialize(caps={"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}})
        self.assertTrue(self._symbols(c, "Ana"))
        leak = os.path.join(self.vault, "leak.md")
        os.symlink(secret, leak)
        c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri_of(leak), "type": 1}]})
        self.assertEqual(self._symbols(c, "SECRETHEADING"), [])
        # An existing note replaced by a link out: its re-read drops it instead.
        ana = os.path.join(self.vault, "People", "Ana Ruiz.md")
        os.unlink(ana)
        os.symlink(secret, ana)
        c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri_of(ana), "type": 2}]})
        self.assertEqual(self._symbols(c, "SECRETHEADING"), [])
        # didClose re-reads from disk: the link is refused there too.
        c.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri_of(leak), "languageId": "markdown", "version": 1, "text": "# Zqxmine\n"}})
        self.assertTrue(self._symbols(c, "Zqxmine"))
        c.notify("textDocument/didClose", {"textDocument": {"uri": uri_of(leak)}})
        self.assertEqual(self._symbols(c, "SECRETHEADING"), [])
        self.assertEqual(self._symbols(c, "Zqxmine"), [])
        # A note swapped for a link out and never announced: hover reads the closed note's
        # file, and does not follow the link either.
        jonas = os.path.join(self.vault, "People", "Jonas Becker.md")
        os.unlink(jonas)
        os.symlink(secret, jonas)
        uri = c.open(KICKOFF)
        hover = c.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                 "position": {"line": 19, "character": 42}})
        self.assertNotIn("hunter2", json.dumps(hover))
        self.assertNotIn("SECRETHEADING", json.dumps(hover))
        self.assertEqual(c.close(), 0)

    def test_links_out_of_the_vault_through_the_fs_watch(self):
        secret = self._outside("# SECRETHEADING\n")
        c = self.client()
        c.initialize()
        self.assertTrue(self._symbols(c, "Ana"))
        os.symlink(secret, os.path.join(self.vault, "leak.md"))
        os.symlink(os.path.dirname(secret), os.path.join(self.vault, "outdir"))
        with open(os.path.join(self.vault, "canary.md"), "w") as f:
            f.write("# Canary\n")
        end = time.time() + 10  # the watch saw the canary, written after the links
        while not self._symbols(c, "Canary") and time.time() < end:
            time.sleep(0.05)
        self.assertTrue(self._symbols(c, "Canary"))
        self.assertEqual(self._symbols(c, "SECRETHEADING"), [])
        self.assertEqual(c.close(), 0)

    def test_configuration_linked_from_outside_is_not_read(self):
        conf = os.path.join(self.tmp, "outside.yaml")
        with open(conf, "w") as f:
            f.write("SECRETKEY: hunter2\nfolders: {person: [Elsewhere]}\n")
        os.symlink(conf, os.path.join(self.vault, ".notes-lsp.yaml"))
        c = self.client()
        c.initialize()
        msg = c.wait(lambda m: m.get("method") == "window/showMessage")
        self.assertIsNotNone(msg)
        self.assertIn("links outside the workspace folder", msg["params"]["message"])
        self.assertTrue(self._symbols(c, "Ana"))
        c.request("shutdown", None)
        c.notify("exit", None)
        self.assertEqual(c.proc.wait(10), 0)
        m = c._read_one(1)
        while m is not None:
            c.inbox.append(m)
            m = c._read_one(1)
        seen = json.dumps(c.inbox) + c.buf.decode() + c.proc.stderr.read().decode()
        self.assertNotIn("SECRETKEY", seen)
        self.assertNotIn("hunter2", seen)

    def _create_actions(self, c, rel, text):
        path = os.path.join(self.vault, rel)
        with open(path, "w") as f:
            f.write(text)
        uri = c.open(rel)
        reply = c.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0},
                                                    "end": {"line": 0, "character": 200}},
            "context": {"diagnostics": []}})
        return [a for a in reply["result"] if a["title"].startswith("Create ")]

    CREATE_CAPS = {"workspace": {"workspaceEdit": {"documentChanges": True,
                                                   "resourceOperations": ["create"]}},
                   "textDocument": {"codeAction": {"codeActionLiteralSupport": {
                       "codeActionKind": {"valueSet": ["quickfix"]}}}}}

    def test_create_note_never_overwrites_or_leaves_the_vault(self):
        # The target exists but the index skipped it (ignored): no action, and nothing the
        # client could apply onto it.
        with open(os.path.join(self.vault, "Zqx Plan.md"), "w") as f:
            f.write("private\n")
        c = self.client()
        c.initialize(caps=self.CREATE_CAPS,
                     options={"today": "2025-11-15", "ignore": ["Zqx Plan.md"]})
        acts = self._create_actions(c, "a.md", "See [[Zqx Plan]] and [[Zqx Other]]\n")
        self.assertEqual([a["title"] for a in acts], ["Create note 'Zqx Other'"])
        create = acts[0]["edit"]["documentChanges"][0]
        self.assertEqual(create["options"], {"overwrite": False, "ignoreIfExists": False})
        self.assertEqual(c.close(), 0)
        with open(os.path.join(self.vault, "Zqx Plan.md")) as f:
            self.assertEqual(f.read(), "private\n")

    def test_create_note_not_through_a_link_out(self):
        outside = os.path.join(self.tmp, "outside")
        os.mkdir(outside)
        shutil.rmtree(os.path.join(self.vault, "People"))
        os.symlink(outside, os.path.join(self.vault, "People"))
        c = self.client()
        c.initialize(caps=self.CREATE_CAPS)
        titles = [a["title"] for a in self._create_actions(c, "a.md", "Met @Zqx Person today\n")]
        self.assertNotIn("Create person note 'Zqx Person'", titles)
        self.assertEqual(c.close(), 0)

    def test_folders_setting_outside_the_vault_is_refused(self):
        c = self.client()
        c.initialize(caps=self.CREATE_CAPS,
                     options={"today": "2025-11-15", "folders": {"person": ["../outside"]}})
        msg = c.wait(lambda m: m.get("method") == "window/showMessage")
        self.assertIn("folders.person: '../outside' is not a folder inside the vault",
                      msg["params"]["message"])
        acts = self._create_actions(c, "a.md", "Met @Zqx Person today\n")
        uris = [a["edit"]["documentChanges"][0]["uri"] for a in acts]
        self.assertEqual(uris, [uri_of(os.path.join(self.vault, "People", "Zqx Person.md"))])
        self.assertEqual(c.close(), 0)

    def test_symlink_loop_made_while_running(self):
        # A folder link back to the vault root, made while the server runs: neither the fs
        # watch nor a didChangeWatchedFiles for a note reached through it indexes a second copy
        # (a second copy shows as duplicate notes and false ambiguous-link warnings).
        c = self.client()
        c.initialize()
        before = self._symbols(c, "Ana Ruiz")
        self.assertTrue(before)
        loop = os.path.join(self.vault, "loop")
        os.symlink(self.vault, loop)
        os.symlink(os.path.join(self.vault, "People", "Ana Ruiz.md"),
                   os.path.join(self.vault, "Ana again.md"))
        with open(os.path.join(self.vault, "canary.md"), "w") as f:
            f.write("# Canary\n")
        end = time.time() + 10
        while not self._symbols(c, "Canary") and time.time() < end:
            time.sleep(0.05)
        again = os.path.join(loop, "People", "Ana Ruiz.md")
        c.notify("workspace/didChangeWatchedFiles", {"changes": [
            {"uri": uri_of(again), "type": 1},
            {"uri": uri_of(os.path.join(self.vault, "Ana again.md")), "type": 1}]})
        after = self._symbols(c, "Ana Ruiz")
        self.assertEqual(sorted(after), sorted(before))
        self.assertFalse([u for u in after if "/loop/" in u or "again" in u], after)
        self.assertEqual(c.close(), 0)

    def test_requests_wait_for_the_index(self):
        big = os.path.join(self.vault, "Bulk")
        os.mkdir(big)
        for i in range(3000):
            with open(os.path.join(big, "n%d.md" % i), "w") as f:
                f.write("# Note %d\n\nSee [[Ana Ruiz]] and [[Contoso]].\n" % i)
        c = self.client()
        c.initialize(caps={"window": {"workDoneProgress": True}})
        # Sent while the scan runs: held until it ends, then answered from the whole index.
        c.send({"jsonrpc": "2.0", "id": 900, "method": "workspace/symbol", "params": {"query": "Note 2999"}})
        c.send({"jsonrpc": "2.0", "id": 901, "method": "workspace/symbol", "params": {"query": "Note 1"}})
        c.send({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 901}})
        cancelled = c.wait(lambda m: m.get("id") == 901, 60)
        self.assertEqual(cancelled["error"]["code"], -32800)
        reply = c.wait(lambda m: m.get("id") == 900, 60)
        self.assertTrue(any(r["location"]["uri"].endswith("/Bulk/n2999.md") for r in reply["result"]),
                        reply["result"])
        end = [m for m in c.inbox if m.get("method") == "$/progress" and m["params"]["value"]["kind"] == "end"]
        self.assertEqual(len(end), 1, "the answer came after the scan's end")
        self.assertEqual(end[0]["params"]["value"]["message"], "3017 notes")
        self.assertEqual(c.close(), 0)

    def test_hostile_params(self):
        # Every method with params of the wrong shapes and values: each request gets a reply
        # (a result or an error object), nothing crashes, the server still exits cleanly.
        import random
        rnd = random.Random(20251115)
        c = self.client()
        c.initialize()
        good = c.open(KICKOFF)
        values = [None, 0, -1, 2**31, 2**63 - 1, 1.5, "", "x", "file:///nope.md", "file:///%zz",
                  "untitled:1", "file://" + self.vault + "/../../etc/passwd", [], {}, [1, "a"],
                  {"line": -5, "character": 3}, {"line": 10**12, "character": 10**12},
                  {"line": 3}, {"start": {"line": 9, "character": 0}, "end": {"line": 0, "character": 0}},
                  good, "\u0000", "\u00e9\u0000", "a" * 5000]
        def anything(depth=0):
            if depth < 2 and rnd.random() < 0.4:
                return {k: anything(depth + 1) for k in rnd.sample(
                    ["textDocument", "uri", "position", "range", "context", "query", "command",
                     "arguments", "contentChanges", "text", "version", "settings", "changes",
                     "only", "diagnostics", "includeDeclaration", "line", "character"], 3)}
            return rnd.choice(values)
        methods = ["textDocument/completion", "textDocument/definition", "textDocument/declaration",
                   "textDocument/references", "textDocument/codeAction", "textDocument/diagnostic",
                   "workspace/executeCommand", "workspace/symbol", "textDocument/didChange",
                   "textDocument/didOpen", "textDocument/didClose", "textDocument/didSave",
                   "workspace/didChangeConfiguration", "workspace/didChangeWatchedFiles",
                   "textDocument/hover", "textDocument/documentSymbol", "$/setTrace"]
        errors = results = 0
        codes = {}
        # Not JSON at all, but the id can still be read: the reply carries it.
        body = b'{"jsonrpc":"2.0","id":77,"method":"workspace/symbol","params":{"query":"\\ud83d"}}'
        c.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        reply = c.wait(lambda m: m.get("id") == 77)
        self.assertEqual(reply["error"]["code"], -32700)
        for i in range(600):
            method = rnd.choice(methods)
            params = anything()
            if not isinstance(params, dict) and rnd.random() < 0.8:
                params = {"textDocument": params}
            def pos():
                return {"line": rnd.choice([0, 5, 18, 27, 31, 42, 47, 10**6]),
                        "character": rnd.choice([0, 3, 16, 64, 80, 112, 10**6])}
            if rnd.random() < 0.5:
                # Nearly valid: the open note, real-looking positions, odd contexts.
                params = {"textDocument": {"uri": good, "version": 2}, "position": pos(),
                          "range": {"start": pos(), "end": pos()},
                          "context": rnd.choice([{}, {"only": ["source"]}, {"diagnostics": []},
                                                 {"includeDeclaration": True}, anything()]),
                          "query": rnd.choice(["", "a", "Jonas", "\u00e9", "zzzz"]),
                          "command": rnd.choice(["notes-lsp.acceptAllProposedTasks",
                                                 "notes-lsp.rejectAllProposedTasks", "nope"]),
                          "arguments": [rnd.choice([good, 5, None])],
                          "contentChanges": [{"range": {"start": pos(), "end": pos()},
                                              "text": rnd.choice(["", "x", "[[", "@Jo", "\n- [ ?] t #proposed\n"])}]}
            elif rnd.random() < 0.5:
                params = {"textDocument": {"uri": rnd.choice([good, anything()]),
                                           "version": rnd.choice([7, None, "v"]),
                                           "text": rnd.choice(["# hi\n- [ ?] x @Jonas", 5, None])},
                          "position": anything(), "range": anything(), "context": anything(),
                          "contentChanges": rnd.choice([[], [anything()], "x", [{"text": "new"}]]),
                          "query": anything(), "command": anything(), "arguments": [anything()]}
            if method.startswith("textDocument/did") or method.startswith("workspace/didChange") \
                    or method.startswith("$/"):
                c.notify(method, params)
                continue
            reply = c.request(method, params, timeout=20)
            self.assertIsNotNone(reply, method)
            self.assertTrue("result" in reply or "error" in reply, reply)
            if "error" in reply:
                self.assertIsInstance(reply["error"]["message"], str)
                errors += 1
                codes[reply["error"]["code"]] = codes.get(reply["error"]["code"], 0) + 1
            else:
                results += 1
        self.assertGreater(errors, 50, codes)
        self.assertGreater(results, 50, codes)
        # Still serving correct answers after all that.
        good = c.open(KICKOFF)
        refs = c.request("textDocument/definition", {"textDocument": {"uri": good},
                                                      "position": {"line": 18, "character": 16}})
        self.assertTrue(refs["result"])
        self.assertEqual(c.close(), 0)

    def test_client_that_stops_reading(self):
        # 20,000 requests from a client that reads none of the replies: the server stops
        # reading requests once a few MiB of replies wait (the client's writes block), its
        # memory stays bounded, and it reads on as soon as the client reads again.
        import threading
        c = self.client(env=measured_env())
        c.initialize()
        uri = c.open(KICKOFF)
        ask = {"textDocument": {"uri": uri}}
        self.assertTrue(c.request("textDocument/documentSymbol", ask)["result"])
        base = rss_kib(c.proc.pid)
        n = 20000
        sent = [0]
        def writer():
            try:
                for i in range(n):
                    c.send({"jsonrpc": "2.0", "id": 10**6 + i,
                            "method": "textDocument/documentSymbol", "params": ask})
                    sent[0] += 1
            except (BrokenPipeError, OSError, ValueError):
                pass
        t = threading.Thread(target=writer, daemon=True)
        t.start()
        last, still = -1, 0
        while t.is_alive() and still < 10:  # settled: no request got through for a second
            time.sleep(0.1)
            still = still + 1 if sent[0] == last else 0
            last = sent[0]
        peak = rss_kib(c.proc.pid)
        blocked_at = sent[0]
        self.assertTrue(t.is_alive(), "the server read all %d requests without back-pressure" % n)
        self.assertLess(blocked_at, n // 4)
        self.assertLess(peak - base, 32 * 1024, "RSS grew from %d KiB to %d KiB" % (base, peak))
        # Reading the replies lets the requests flow again.
        got = 0
        while sent[0] < blocked_at + 2000 and t.is_alive():
            m = c.wait(lambda m: "id" in m and "method" not in m and m["id"] >= 10**6, 30)
            self.assertIsNotNone(m, "no reply after %d of them" % got)
            got += 1
        self.assertGreater(sent[0], blocked_at)
        c.proc.kill()
        t.join(10)
        try:
            c.proc.stdin.close()
        except BrokenPipeError:
            pass

    def _check_as_someone_else(self, folder):
        # Permissions stop everyone but root: as root, run the check as nobody.
        def drop():
            if os.getuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
        os.chmod(self.tmp, 0o755)
        return subprocess.run([SERVER, "check", "--today", "2025-11-15", folder],
                              capture_output=True, timeout=60, preexec_fn=drop)

    def test_check_on_unreadable_folders(self):
        # issue #14 item 10: "0 notes" and status 0 hid that nothing could be read.
        os.chmod(self.vault, 0o000)
        try:
            out = self._check_as_someone_else(self.vault)
        finally:
            os.chmod(self.vault, 0o755)
        self.assertEqual(out.returncode, 2, out)
        self.assertIn(b"cannot read folder '" + self.vault.encode() + b"': Permission denied",
                      out.stderr)
        people = os.path.join(self.vault, "People")
        os.chmod(people, 0o000)
        try:
            out = self._check_as_someone_else(self.vault)
        finally:
            os.chmod(people, 0o755)
        self.assertEqual(out.returncode, 2, out)
        self.assertIn(b"cannot read folder (Permission denied): " + people.encode(), out.stderr)
        self.assertIn(b"1 folder or note of", out.stderr)
        self.assertIn(b"notes", out.stdout)  # the report of what could be read still comes

    def test_flags(self):
        out = subprocess.run([SERVER, "--version"], capture_output=True, timeout=10)
        self.assertEqual(out.returncode, 0)
        self.assertTrue(out.stdout.startswith(b"notes-lsp "))
        out = subprocess.run([SERVER, "--help"], capture_output=True, timeout=10)
        self.assertEqual(out.returncode, 0)
        self.assertIn(b"usage:", out.stdout)
        out = subprocess.run([SERVER, "--bogus"], capture_output=True, timeout=10)
        self.assertEqual(out.returncode, 2)
        self.assertIn(b"unknown option: --bogus", out.stderr)

    def references_to(self, c, rel, timeout=10):
        uri = c.open(rel)
        return c.request("textDocument/references", {"textDocument": {"uri": uri},
                                                      "position": {"line": 0, "character": 0},
                                                      "context": {"includeDeclaration": False}},
                         timeout=timeout)["result"]

    def test_full_width_start_of_a_closed_note(self):
        # Issue 14, item 7: U+FF01 and U+FF08 start with the BOM's first byte; no byte is lost.
        with open(os.path.join(self.vault, "Wide.md"), "w", encoding="utf-8") as f:
            f.write("\uff01[[Ana Ruiz]] \uff08[[Ana Ruiz]]\uff09\n")
        for enc, want in (("utf-16", [(1, 13), (15, 27)]), ("utf-8", [(3, 15), (19, 31)]),
                          ("utf-32", [(1, 13), (15, 27)])):
            c = self.client()
            c.initialize(caps={"general": {"positionEncodings": [enc]}})
            refs = [r for r in self.references_to(c, "People/Ana Ruiz.md")
                    if r["uri"].endswith("/Wide.md")]
            got = sorted((r["range"]["start"]["character"], r["range"]["end"]["character"])
                         for r in refs)
            self.assertEqual(got, want, enc)
            self.assertEqual({r["range"]["start"]["line"] for r in refs}, {0})
            self.assertEqual(c.close(), 0)

    def test_many_references_in_one_closed_note(self):
        # Issue 14, item 6: 16,000 mentions in one note took 102 s (a re-read per result).
        lines = ["- L\u00e9a asked \U0001F4C5 @Ana Ruiz about %d" % i for i in range(16000)]
        with open(os.path.join(self.vault, "Busy.md"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        c = self.client()
        c.initialize()
        refs = [r for r in self.references_to(c, "People/Ana Ruiz.md", timeout=60)
                if r["uri"].endswith("/Busy.md")]
        self.assertEqual(len(refs), 16000)
        start = len("- L\u00e9a asked ") + 2 + 1  # the emoji is two UTF-16 units
        self.assertTrue(all(r["range"]["start"]["character"] == start and
                            r["range"]["end"]["character"] == start + 9 for r in refs))
        self.assertEqual(refs[-1]["range"]["start"]["line"], 15999)
        self.assertEqual(c.close(), 0)

    def test_diagnostics_of_one_very_long_line(self):
        # Issue 14, item 6: 40,000 broken links on one line took 15 s to convert.
        line = " ".join("\u00e9 [[Missing%d]]" % i for i in range(40000))
        with open(os.path.join(self.vault, "Long.md"), "w", encoding="utf-8") as f:
            f.write("# Long\n" + line + "\n")
        c = self.client()
        c.initialize()
        uri = c.open("Long.md")
        msg = c.diagnostics(uri, lambda ds: len(ds) >= 40000, timeout=60)
        self.assertIsNotNone(msg)
        ds = [d for d in msg["params"]["diagnostics"] if d["code"] == "broken-link"]
        self.assertEqual(len(ds), 40000)
        last = ds[-1]["range"]
        prefix = line[:line.rindex("[[Missing39999]]")]
        self.assertEqual(last["start"], {"line": 1, "character": len(prefix)})
        self.assertEqual(last["end"]["character"], len(prefix) + len("[[Missing39999]]"))
        self.assertEqual(c.close(), 0)

    def test_log_file(self):
        log = os.path.join(self.tmp, "server.log")
        c = self.client(args=("--log-file", log, "--log-level", "debug"))
        c.initialize()
        c.request("workspace/symbol", {"query": "a"})
        self.assertEqual(c.close(), 0)
        with open(log) as f:
            self.assertIn("index", f.read())


if __name__ == "__main__":
    unittest.main()
