#!/usr/bin/env python3
"""Checks editors/helix/languages.toml: it parses as TOML, declares the notes-lsp server with
its command, adds it to Helix's markdown language next to marksman, and its `config` is a valid
notes-lsp configuration (the same object at the top level and under `notesLsp`).
Prints one line per check and "N passed, N failed"; exits 1 on any failure."""
import os
import sys
import tomllib

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


def main(path):
    doc = {}

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

    def config_valid():
        cfg = dict(server.get("config", {}))
        nested = cfg.pop("notesLsp", None)
        assert cfg, "config has server settings at the top level (initializationOptions)"
        validate_config(cfg, "config")
        assert nested is not None, "config.notesLsp answers workspace/configuration"
        validate_config(nested, "config.notesLsp")
        assert nested == cfg, "config.notesLsp is the same object as the top-level config"
        assert cfg.get("folders", {}).get("person") == ["People"], "the example vault layout"

    check("declares [language-server.notes-lsp] with command notes-lsp --stdio", declares_server)
    check("adds notes-lsp to the markdown language beside marksman", markdown_language)
    check("config is a valid notes-lsp configuration, mirrored under notesLsp", config_valid)
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "languages.toml")))
