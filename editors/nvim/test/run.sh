#!/bin/sh
# Headless Neovim end-to-end test: copies tests/vault-example to a temp dir, opens a note in it
# with editors/nvim loaded, and checks diagnostics, completion, definition and code actions.
# Usage: editors/nvim/test/run.sh [path/to/notes-lsp]   (default: $NOTES_LSP or build/notes-lsp)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
server=${1:-${NOTES_LSP:-$repo/build/notes-lsp}}
case $server in /*) ;; *) server=$(pwd)/$server ;; esac

command -v nvim >/dev/null 2>&1 || { echo "nvim not found: apt-get install -y neovim (tests/install-test-deps.sh)"; exit 1; }
[ -x "$server" ] || { echo "notes-lsp binary not found or not executable: $server"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/notes-lsp-nvim-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
cp -R "$repo/tests/vault-example" "$tmp/vault"
vault=$(cd "$tmp/vault" && pwd -P)

cd "$vault"
status=0
NOTES_LSP=$server NOTES_VAULT=$vault NOTES_REPO=$repo HOME=$tmp XDG_STATE_HOME=$tmp/state XDG_CACHE_HOME=$tmp/cache \
  timeout 60 nvim --headless -u NONE -i NONE -n -c "luafile $here/e2e.lua" </dev/null || status=$?
if [ "$status" -eq 124 ]; then echo "nvim timed out"; fi
exit "$status"
