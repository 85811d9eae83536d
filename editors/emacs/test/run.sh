#!/bin/sh
# Headless Emacs end-to-end test: copies tests/vault-example to a temp dir and drives
# editors/emacs/notes-lsp.el (eglot) against notes-lsp in `emacs --batch`: attach, diagnostics,
# completion after [[, definition, the task list (notes-lsp-tasks), the accept code action,
# reject all.
# Usage: editors/emacs/test/run.sh [path/to/notes-lsp]   (default: $NOTES_LSP or build/notes-lsp)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
server=${1:-${NOTES_LSP:-$repo/build/notes-lsp}}
case $server in /*) ;; *) server=$(pwd)/$server ;; esac

command -v emacs >/dev/null 2>&1 || {
  echo "emacs not found: apt-get install -y emacs-nox elpa-eglot elpa-markdown-mode (tests/install-test-deps.sh)"
  exit 1
}
[ -x "$server" ] || { echo "notes-lsp binary not found or not executable: $server"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/notes-lsp-emacs-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
cp -R "$repo/tests/vault-example" "$tmp/vault"
vault=$(cd "$tmp/vault" && pwd -P)

cd "$vault"
status=0
NOTES_LSP=$server NOTES_VAULT=$vault NOTES_REPO=$repo HOME=$tmp \
  timeout 60 emacs --batch -q --no-site-file -l "$here/e2e.el" </dev/null || status=$?
if [ "$status" -eq 124 ]; then echo "emacs timed out"; fi
exit "$status"
