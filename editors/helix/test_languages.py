#!/usr/bin/env python3
"""Checks editors/helix/languages.toml: it parses as TOML, declares the notes-lsp server with
its command, adds it to Helix's markdown language next to marksman, and its `config` holds a
valid notes-lsp configuration under `notesLsp` (Helix answers workspace/configuration for the
section "notesLsp" from it, and notes-lsp reads the same nesting from initializationOptions).
With $NOTES_LSP set (ctest sets it), it also runs that server the way Helix would with this
configuration: `config` as initializationOptions, workspace/configuration answered by looking the
section up in `config`, push diagnostics; and checks the server used the settings.
Prints one line per check and "N passed, N failed"; exits 1 on any failure."""
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
KINDS = ("person", "account", "project", "meeting")
SERVER_KEYS = {"folders", "types", "ignore", "maxFileSize", "owner", "today", "logLevel"}
LOG_LEVELS = {"error", "warn", "info", "debug"}

results = {"passed": 0, "failed": 0}


def check(name, fn):
    try:
        fn()
    except Exception as e:  # a failed check is reported, never fatal to the others
        results["failed"] += 1
        print(f"not ok - {name}: {e!r}")
    else:
        results["passed"] += 1
        print(f"ok - {name}")


def validate_config(cfg, where):
    assert isinstance(cfg, dict), f"{where} is a table"
    unknown = set(cfg) - SERVER_KEYS
    assert not unknown, f"{where}: unknown keys {sorted(unknown)}"
    for group in ("folders", "types"):
        if group in cfg:
            assert set(cfg[group]) <= set(KINDS), f"{where}.{group}: kinds {sorted(cfg[group])}"
            for kind, values in cfg[group].items():
                assert isinstance(values, list) and values, f"{where}.{group}.{kind} is a non-empty list"
                assert all(isinstance(v, str) and v for v in values), f"{where}.{group}.{kind} holds strings"
    for key in ("owner", "ignore"):
        if key in cfg:
            assert all(isinstance(v, str) for v in cfg[key]), f"{where}.{key} holds strings"
    if "maxFileSize" in cfg:
        assert isinstance(cfg["maxFileSize"], int) and cfg["maxFileSize"] > 0, f"{where}.maxFileSize"
    if "logLevel" in cfg:
        assert cfg["logLevel"] in LOG_LEVELS, f"{where}.logLevel {cfg['logLevel']!r}"


REPO = os.path.dirname(os.path.dirname(HERE))
KICKOFF = "Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md"


class Lsp:
    """Just enough of an LSP client: Content-Length framing over the server's stdio."""

    def __init__(self, cmd, cwd, stderr=subprocess.DEVNULL):
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=stderr)
        self.inbox = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.inbox.put(json.loads(out.read(length)))

    def send(self, msg):
        body = json.dumps(dict(msg, jsonrpc="2.0")).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def request(self, method, params):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.next_id

    def messages(self, deadline):
        while time.monotonic() < deadline:
            try:
                msg = self.inbox.get(timeout=0.1)
            except queue.Empty:
                continue
            if msg is None:
                raise AssertionError("the server closed its output")
            yield msg
        raise AssertionError("timed out")

    def close(self):
        try:
            self.proc.kill()
        finally:
            self.proc.wait(timeout=10)


def lookup(config, section):
    """Helix's workspace/configuration answer: the section's dotted path inside `config`."""
    value = config
    for part in (section or "").split("."):
        if part:
            value = value.get(part) if isinstance(value, dict) else None
    return value


def helix_root(file, roots, cwd):
    """The LSP root Helix (24.03 to 25.x) picks for `file` started in `cwd`: (rootPath, rootUri
    path or None). Its workspace is the nearest ancestor of cwd with .git, .helix or .jj, else
    cwd; the root is the topmost folder between file and workspace holding one of `roots`, else
    the workspace when it came from a marker; else no rootUri and rootPath = workspace."""
    workspace, is_cwd = cwd, True
    for d in [cwd] + list(parents(cwd)):
        if any(os.path.exists(os.path.join(d, m)) for m in (".git", ".helix", ".jj")):
            workspace, is_cwd = d, False
            break
    if not (file + "/").startswith(workspace.rstrip("/") + "/"):
        return workspace, None
    top = None
    for d in parents(file):
        if any(os.path.exists(os.path.join(d, m)) for m in roots):
            top = d
        if d == workspace:
            break
    root = top or (None if is_cwd else workspace)
    return (root or workspace), root


def parents(path):
    while True:
        parent = os.path.dirname(path)
        if parent == path:
            return
        path = parent
        yield path


def helix_roots(roots):
    tmp = os.path.realpath(tempfile.mkdtemp(prefix="notes-lsp-helix-roots-"))
    try:
        for d in ("repo/.git", "repo/notes/vault/.obsidian", "repo/notes/vault/People", "plain/Meetings"):
            os.makedirs(os.path.join(tmp, d))
        note = os.path.join(tmp, "repo/notes/vault/People/a.md")
        got = helix_root(note, roots, os.path.join(tmp, "repo"))
        assert got[1] == os.path.join(tmp, "repo/notes/vault"), f"vault inside a repository: {got}"
        got = helix_root(os.path.join(tmp, "repo/notes/b.md"), roots, os.path.join(tmp, "repo/notes"))
        assert got[1] == os.path.join(tmp, "repo"), f"no vault marker: the git root: {got}"
        got = helix_root(os.path.join(tmp, "plain/Meetings/c.md"), roots, os.path.join(tmp, "plain"))
        assert got == (os.path.join(tmp, "plain"), None), f"no marker: rootPath is the working directory: {got}"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_like_helix(server_path, server, roots, marker=True):
    config = json.loads(json.dumps(server.get("config", {})))
    # A fixed date before the kickoff's first due date (2025-11-08): a server that ignored this
    # configuration would use the real date and report line 29 as overdue.
    config["notesLsp"]["today"] = "2025-11-01"
    config["notesLsp"]["logLevel"] = "info"  # the file says warn; the index line is info
    tmp = tempfile.mkdtemp(prefix="notes-lsp-helix-")
    vault = os.path.join(tmp, "vault")
    shutil.copytree(os.path.join(REPO, "tests", "vault-example"), vault)
    vault = os.path.realpath(vault)
    if not marker:
        shutil.rmtree(os.path.join(vault, ".obsidian"))
    log = open(os.path.join(tmp, "stderr.log"), "w+", encoding="utf-8")
    lsp = Lsp([server_path] + server.get("args", []), vault, stderr=log)
    try:
        # Helix started in the vault, as `hx Meetings/...` from there.
        root_path, root_dir = helix_root(os.path.join(vault, KICKOFF), roots, vault)
        root = root_dir and "file://" + urllib.parse.quote(root_dir)
        init = lsp.request("initialize", {
            "processId": os.getpid(), "clientInfo": {"name": "helix", "version": "25.01"},
            "rootPath": root_path, "rootUri": root, "initializationOptions": config,
            "capabilities": {"workspace": {"configuration": True, "workspaceFolders": True},
                             "textDocument": {"publishDiagnostics": {}}},
            "workspaceFolders": [{"uri": root, "name": "vault"}] if root else [],
        })
        deadline = time.monotonic() + 30
        asked = []
        for msg in lsp.messages(deadline):
            if msg.get("id") == init:
                assert "result" in msg, f"initialize failed: {msg}"
                break
        lsp.send({"method": "initialized", "params": {}})
        path = os.path.join(vault, KICKOFF)
        uri = "file://" + urllib.parse.quote(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        lsp.send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "markdown", "version": 1, "text": text}}})
        for msg in lsp.messages(deadline):
            if msg.get("method") == "workspace/configuration":
                items = msg["params"]["items"]
                asked += [i.get("section") for i in items]
                lsp.send({"id": msg["id"], "result": [lookup(config, i.get("section")) for i in items]})
            elif "id" in msg and "method" in msg:
                lsp.send({"id": msg["id"], "result": None})
            elif msg.get("method") == "textDocument/publishDiagnostics" and msg["params"]["uri"] == uri:
                diags = msg["params"]["diagnostics"]
                codes = {(d.get("code"), d["range"]["start"]["line"]) for d in diags}
                if ("proposed-task", 27) in codes:
                    assert ("overdue-task", 29) not in codes, "today from config.notesLsp was used"
                    unknown = [d["message"] for d in diags if d.get("code") in ("unknown-person", "unknown-account")]
                    assert not unknown, f"the whole vault is indexed: {unknown}"
                    break
        assert all(a == "notesLsp" for a in asked), f"configuration sections asked: {asked}"
        # The server says which folder it indexed and how many notes (what a user checks first).
        notes = sum(1 for d, subdirs, files in os.walk(vault) if ".obsidian" not in d
                    for f in files if f.endswith(".md"))
        log.seek(0)
        want = f"notes-lsp: info: index ready: {notes} notes in {vault}"
        text = log.read()
        assert want in text.splitlines(), f"stderr has {want!r}: {text!r}"
    finally:
        lsp.close()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main(path):
    doc = {}
    roots = []

    def parses():
        with open(path, "rb") as f:
            doc.update(tomllib.load(f))

    check("languages.toml parses as TOML", parses)
    server = doc.get("language-server", {}).get("notes-lsp", {})

    def declares_server():
        assert server.get("command") == "notes-lsp", f"command is {server.get('command')!r}"
        assert server.get("args") == ["--stdio"], f"args are {server.get('args')!r}"

    def markdown_language():
        langs = [lang for lang in doc.get("language", []) if lang.get("name") == "markdown"]
        assert len(langs) == 1, f"{len(langs)} [[language]] tables named markdown"
        servers = langs[0].get("language-servers", [])
        names = [s if isinstance(s, str) else s.get("name") for s in servers]
        assert "notes-lsp" in names, f"language-servers {names}"
        assert "marksman" in names, "marksman is kept beside notes-lsp"
        for root in (".obsidian", ".notes-lsp.yaml"):
            assert root in langs[0].get("roots", []), f"roots include {root}"
        # Helix takes the topmost folder with a root marker: .git there would beat the vault.
        assert ".git" not in langs[0].get("roots", []), "roots leave .git to Helix's workspace"
        roots.extend(langs[0].get("roots", []))

    def config_valid():
        cfg = server.get("config", {})
        assert set(cfg) == {"notesLsp"}, f"config holds only the notesLsp section, not {sorted(cfg)}"
        validate_config(cfg["notesLsp"], "config.notesLsp")
        assert cfg["notesLsp"].get("folders", {}).get("person") == ["People"], "the example vault layout"

    check("declares [language-server.notes-lsp] with command notes-lsp --stdio", declares_server)
    check("adds notes-lsp to the markdown language beside marksman", markdown_language)
    check("config.notesLsp is a valid notes-lsp configuration", config_valid)
    check("Helix's root with these roots: the vault, else the git root, else the working directory",
          lambda: helix_roots(roots))
    server_path = os.environ.get("NOTES_LSP")
    if server_path:
        check("notes-lsp reads this config the way Helix sends it",
              lambda: run_like_helix(server_path, server, roots))
        check("a vault with no marker: Helix sends only rootPath and the whole vault is indexed",
              lambda: run_like_helix(server_path, server, roots, marker=False))
    else:
        print("# NOTES_LSP not set: the run against the server is left out")
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "languages.toml")))
