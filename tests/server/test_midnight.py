"""The midnight roll-over through the server's clock hook: NOTES_LSP_CLOCK starts the server's
clock just before midnight (TZ=UTC), and the test checks that workspace/inlayHint/refresh and
workspace/codeLens/refresh arrive when the day turns and that inlay hints then give the new
relative dates. No sleeps and no wall-clock reads: the order of the server's messages says what
happened before the refresh and what after.

    NOTES_LSP=build/notes-lsp python3 -m unittest tests/server/test_midnight.py
"""
import calendar
import os
import shutil
import tempfile
import unittest

from test_server import KICKOFF, VAULT, Client

CAPS = {"workspace": {"inlayHint": {"refreshSupport": True},
                      "codeLens": {"refreshSupport": True}}}
# 2025-11-11 in the kickoff note: the two tasks due 2025-11-12 are due "tomorrow" until
# midnight and "today" after it; the one due 2025-11-10 goes from 1 to 2 days overdue.
BEFORE = [(27, "1 day overdue"), (28, "tomorrow"), (29, "3 days overdue"), (32, "tomorrow")]
AFTER = [(27, "2 days overdue"), (28, "today"), (29, "4 days overdue"), (32, "today")]
MIDNIGHT = calendar.timegm((2025, 11, 12, 0, 0, 0))
# Seconds before midnight the clock starts. The first is the case we mean; a loaded machine may
# take longer than that to start the server and answer, which the test sees (the refresh comes
# before the first answer) and then runs again with more time, never less than it needs.
LEADS = (0.5, 2.0, 8.0)


def is_refresh(what):
    return lambda m: m.get("method") == "workspace/%s/refresh" % what


class MidnightTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nl-midnight-")
        self.vault = os.path.join(self.tmp, "vault")
        shutil.copytree(VAULT, self.vault)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def hints(self, c, uri):
        reply = c.request("textDocument/inlayHint", {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 999, "character": 0}}})
        self.assertIn("result", reply)
        return [(h["position"]["line"], h["label"]) for h in reply["result"]]

    def start(self, lead):
        env = dict(os.environ, TZ="UTC", NOTES_LSP_CLOCK="%.1f" % (MIDNIGHT - lead))
        c = Client(self.vault, env=env)
        # No `today` option: the server's own clock says what day it is.
        c.initialize(caps=CAPS, options={})
        return c

    def test_refresh_at_midnight(self):
        for lead in LEADS:
            c = self.start(lead)
            try:
                uri = c.open(KICKOFF)
                before = self.hints(c, uri)
                # Messages that came before the hints' answer are in the inbox, in order.
                if any(is_refresh("inlayHint")(m) for m in c.inbox):
                    continue  # the day turned before the first answer: start earlier
                self.assertEqual(before, BEFORE)
                c.inbox = [m for m in c.inbox if not is_refresh("codeLens")(m)]
                self.assertIsNotNone(c.wait(is_refresh("inlayHint"), timeout=lead + 30),
                                     "no workspace/inlayHint/refresh after midnight")
                # Code lenses (overdue counts) follow with the diagnostics the day's turn
                # schedules: a refresh after the inlay hints' one, not one from before.
                c.inbox = [m for m in c.inbox if not is_refresh("codeLens")(m)]
                self.assertIsNotNone(c.wait(is_refresh("codeLens"), timeout=10),
                                     "no workspace/codeLens/refresh after midnight")
                self.assertEqual(self.hints(c, uri), AFTER)
                return
            finally:
                self.assertEqual(c.close(), 0)
        self.fail("the server never answered before midnight, even %.0f s ahead" % LEADS[-1])


if __name__ == "__main__":
    unittest.main()
