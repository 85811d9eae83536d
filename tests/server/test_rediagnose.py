"""Re-diagnosis after edits, over real stdio: an edit re-diagnoses its own note; the pushed
diagnostics of other notes (closed notes under `diagnostics.scope: vault`, other open notes)
are computed again only when the edit changed what their diagnostics read of the edited note
(its title, aliases, headings, block ids or kind), and then they are. Python 3 stdlib only.

    NOTES_LSP=build/notes-lsp python3 -m unittest tests/server/test_rediagnose.py
"""
import os
import shutil
import tempfile
import unittest

from test_server import Client, uri_of

PUBLISH = "textDocument/publishDiagnostics"


class RediagnoseTest(unittest.TestCase):
    def setUp(self):
        self.vault = tempfile.mkdtemp(prefix="nl-rediag-")
        self.write("A.md", "# A\n\nSee [[B#Plan]] and [[Bee]].\n")
        self.write("B.md", "# B\n\nAsk @nobody today.\n")
        self.write("C.md", "# C\n\nSee [[B#Plan]] too.\n")
        self.c = Client(self.vault)
        self.version = 1

    def tearDown(self):
        if self.c.proc.poll() is None:
            self.c.proc.kill()
            self.c.proc.wait()
        for s in (self.c.proc.stdin, self.c.proc.stdout, self.c.proc.stderr):
            if s:
                s.close()
        shutil.rmtree(self.vault)

    def write(self, rel, text):
        with open(os.path.join(self.vault, rel), "w", encoding="utf-8") as f:
            f.write(text)

    def edit(self, uri, line, col, text):
        self.version += 1
        self.c.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": self.version},
            "contentChanges": [{"range": {"start": {"line": line, "character": col},
                                          "end": {"line": line, "character": col}},
                                "text": text}]})

    def codes(self, uri, pred):
        msg = self.c.diagnostics(uri, lambda ds: pred(sorted(d["code"] for d in ds)))
        self.assertIsNotNone(msg, "no diagnostics for %s" % uri)
        return sorted(d["code"] for d in msg["params"]["diagnostics"])

    def published_since(self, uri):
        """Publishes for uri the server sent before answering a request sent now (a diagnostics
        run writes all it publishes in one go, before any later reply)."""
        self.c.request("workspace/symbol", {"query": "zzz"})
        got = [m for m in self.c.inbox if m.get("method") == PUBLISH and m["params"]["uri"] == uri]
        self.c.inbox = [m for m in self.c.inbox if m not in got]
        return got

    def test_closed_and_open_notes_are_rediagnosed_only_when_the_edit_changes_what_they_read(self):
        c = self.c
        c.initialize()
        a, b = uri_of(os.path.join(self.vault, "A.md")), c.open("B.md")
        c_uri = c.open("C.md")
        self.assertEqual(self.codes(a, lambda cs: len(cs) == 2), ["broken-link", "missing-heading"])
        self.assertEqual(self.codes(c_uri, lambda cs: len(cs) == 1), ["missing-heading"])
        self.codes(b, lambda cs: cs == ["unknown-person"])
        self.published_since(a)
        self.published_since(c_uri)

        # Typing that keeps B's face: B's problem moves and is published again, nobody else's.
        for i, ch in enumerate("Please "):
            self.edit(b, 2, i, ch)
        msg = c.diagnostics(b, lambda ds: ds and ds[0]["range"]["start"]["character"] == 11)
        self.assertIsNotNone(msg)
        self.assertEqual(self.published_since(a), [])
        # C is open: its diagnostics did not change either, so nothing is sent for it anyway;
        # what matters is that the next edit does reach it.

        # A heading is part of B's face: A and C lose their missing-heading.
        self.edit(b, 3, 0, "## Plan\n")
        self.assertEqual(self.codes(a, lambda cs: cs == ["broken-link"]), ["broken-link"])
        self.assertEqual(self.codes(c_uri, lambda cs: cs == []), [])

        # So is an alias: [[Bee]] resolves (through an alias, which Obsidian does not follow).
        self.edit(b, 0, 0, "---\naliases: [Bee]\n---\n")
        self.assertEqual(self.codes(a, lambda cs: "broken-link" not in cs), ["alias-link"])
        self.assertEqual(c.close(), 0)

    def test_closed_notes_that_read_a_changed_note_are_pushed(self):
        # diagnostics.scope vault (the default) for a client that does not pull: a closed note
        # with no problems gains one when a note it links to or mentions goes, or loses a
        # heading it links to, and loses it when it comes back; pushed without any edit.
        self.write("Linker.md", "# Linker\n\nSee [[Target]] and [[Target#^b1]].\n")
        self.write("Target.md", "# Target\n\n## Plan\n\nA block. ^b1\n")
        self.write("Deep.md", "# Deep\n\nSee [[Target#Plan]].\n")
        self.write("Meeting.md", "# Meeting\n\nAsk @Zed Quill today.\n")
        self.write("Zed Quill.md", "---\ntype: person\n---\n# Zed Quill\n")
        c = self.c
        c.initialize(caps={"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}})
        uri = lambda rel: uri_of(os.path.join(self.vault, rel))
        linker, deep, meeting = uri("Linker.md"), uri("Deep.md"), uri("Meeting.md")
        self.codes(uri("A.md"), lambda cs: len(cs) == 2)  # the scan's push is done
        for u in (linker, deep, meeting):
            self.assertEqual(self.published_since(u), [])

        def disk(rel, text, kind):
            path = os.path.join(self.vault, rel)
            if text is None:
                os.unlink(path)
            else:
                self.write(rel, text)
            c.notify("workspace/didChangeWatchedFiles",
                     {"changes": [{"uri": uri_of(path), "type": kind}]})

        disk("Target.md", None, 3)
        self.assertEqual(self.codes(linker, lambda cs: cs != []), ["broken-link", "broken-link"])
        self.assertEqual(self.codes(deep, lambda cs: cs != []), ["broken-link"])
        disk("Target.md", "# Target\n\n## Plan\n\nA block. ^b1\n", 1)
        self.assertEqual(self.codes(linker, lambda cs: cs == []), [])
        self.assertEqual(self.codes(deep, lambda cs: cs == []), [])

        # A heading renamed, then a block id dropped: the notes that link to them are pushed.
        disk("Target.md", "# Target\n\n## Plans\n\nA block. ^b1\n", 2)
        self.assertEqual(self.codes(deep, lambda cs: cs != []), ["missing-heading"])
        disk("Target.md", "# Target\n\n## Plans\n\nA block.\n", 2)
        self.assertEqual(self.codes(linker, lambda cs: cs != []), ["missing-heading"])  # no ^b1

        # A person removed: the closed note that mentions them is pushed, and again on return.
        disk("Zed Quill.md", None, 3)
        self.assertEqual(self.codes(meeting, lambda cs: cs != []), ["unknown-person"])
        disk("Zed Quill.md", "---\ntype: person\n---\n# Zed Quill\n", 1)
        self.assertEqual(self.codes(meeting, lambda cs: cs == []), [])
        self.assertEqual(c.close(), 0)

    def test_a_setting_change_pushes_closed_notes_again(self):
        # Every closed note's problems may read a setting: "today" makes a task overdue in a
        # closed note that had no problems, and moving it back clears them.
        self.write("Plan.md", "# Plan\n\n- [ ] Ship it \U0001F4C5 2025-11-10\n")
        c = self.c
        c.initialize(options={"today": "2025-11-01"})
        plan = uri_of(os.path.join(self.vault, "Plan.md"))
        self.codes(uri_of(os.path.join(self.vault, "A.md")), lambda cs: len(cs) == 2)
        self.assertEqual(self.published_since(plan), [])
        c.notify("workspace/didChangeConfiguration", {"settings": {"notesLsp": {"today": "2025-11-20"}}})
        self.assertEqual(self.codes(plan, lambda cs: cs != []), ["overdue-task"])
        c.notify("workspace/didChangeConfiguration", {"settings": {"notesLsp": {"today": "2025-11-02"}}})
        self.assertEqual(self.codes(plan, lambda cs: cs == []), [])
        self.assertEqual(c.close(), 0)


if __name__ == "__main__":
    unittest.main()
