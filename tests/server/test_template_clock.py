"""A note created from a template is dated in the local time zone, as Obsidian's Templates plugin
dates it (moment(), local time): the server's clock starts through the NOTES_LSP_CLOCK hook at
2025-11-12 03:30 UTC, which is still 2025-11-11, 22:30 in New York (TZ as a POSIX rule, so no
time zone database is needed), and "Create note" from a broken link must write that day, that
hour and the -05:00 offset; {{date:X}} is the moment itself, seconds since the epoch. The
server's clock runs on from the hook at the real rate, so X is checked within the test's own
time bound, and nothing reads the wall clock.

    NOTES_LSP=build/notes-lsp python3 -m unittest tests/server/test_template_clock.py
"""
import calendar
import os
import shutil
import tempfile
import unittest

from test_server import Client, uri_of

START = calendar.timegm((2025, 11, 12, 3, 30, 0))
NEW_YORK = "EST5EDT,M3.2.0,M11.1.0"
CAPS = {"workspace": {"workspaceEdit": {"documentChanges": True, "resourceOperations": ["create"]}}}
TEMPLATE = "Made {{date}} {{time:HH}}h {{date:Z}} {{date:X}} <% tp.date.tomorrow() %>\n"


class TemplateClockTest(unittest.TestCase):
    def setUp(self):
        self.vault = tempfile.mkdtemp(prefix="nl-template-clock-")
        files = {".notes-lsp.yaml": "templates:\n  note: Kinds/Note.md\n",
                 "Kinds/Note.md": TEMPLATE,
                 "Notes/Draft.md": "Ask [[Missing note]]\n"}
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(self.vault, rel)), exist_ok=True)
            with open(os.path.join(self.vault, rel), "w", encoding="utf-8") as f:
                f.write(text)

    def tearDown(self):
        shutil.rmtree(self.vault)

    def created_text(self, tz):
        env = dict(os.environ, TZ=tz, NOTES_LSP_CLOCK="%d" % START)
        c = Client(self.vault, env=env)
        try:
            # No `today` option: the server's own clock says when the note is made.
            c.initialize(caps=CAPS, options={})
            uri = c.open("Notes/Draft.md")
            pub = c.diagnostics(uri, lambda ds: any(d.get("code") == "broken-link" for d in ds))
            self.assertIsNotNone(pub, "no broken-link diagnostic")
            d = next(d for d in pub["params"]["diagnostics"] if d.get("code") == "broken-link")
            reply = c.request("textDocument/codeAction", {
                "textDocument": {"uri": uri}, "range": d["range"],
                "context": {"diagnostics": [d]}})
            action = next(a for a in reply["result"] if a["title"] == "Create note 'Missing note'")
            change = next(ch for ch in action["edit"]["documentChanges"] if "edits" in ch)
            self.assertEqual(change["textDocument"]["uri"],
                             uri_of(os.path.join(self.vault, "Missing note.md")))
            return change["edits"][0]["newText"]
        finally:
            c.close()

    def check(self, tz, want):
        text = self.created_text(tz)
        words = text.split()
        self.assertEqual(" ".join(words[:4] + words[5:]), want, text)
        # The server's clock started at START and ran on while the test ran (its timeout bounds it).
        self.assertTrue(START <= int(words[4]) <= START + 300, text)

    def test_new_york_is_still_the_day_before(self):
        self.check(NEW_YORK, "Made 2025-11-11 22h -05:00 2025-11-12")

    def test_utc(self):
        self.check("UTC0", "Made 2025-11-12 03h +00:00 2025-11-13")

    def test_half_hour_east(self):
        self.check("IST-5:30", "Made 2025-11-12 09h +05:30 2025-11-13")


if __name__ == "__main__":
    unittest.main()
