#!/bin/sh
# Installs what the end-to-end and editor tests need: Debian's neovim, emacs-nox, elpa-eglot,
# elpa-markdown-mode, nodejs, npm, python3 (only those missing), then the pinned node modules
# of tests/e2e, tests/cli and editors/vscode (npm ci, from the committed package-lock.json files).
# Idempotent and non-interactive.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive

missing=""
command -v nvim >/dev/null 2>&1 || missing="$missing neovim"
has_elisp() { # an Emacs package that a plain start activates (Debian's elpa-* or built in)
  command -v emacs >/dev/null 2>&1 &&
    emacs --batch -q --no-site-file -f package-initialize --eval "(require '$1)" >/dev/null 2>&1
}
command -v emacs >/dev/null 2>&1 || missing="$missing emacs-nox"
has_elisp eglot || missing="$missing elpa-eglot"
has_elisp markdown-mode || missing="$missing elpa-markdown-mode"
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
if [ -n "$missing" ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -q
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  $sudo apt-get install -y -q --no-install-recommends $missing
fi

for dir in tests/e2e tests/cli editors/vscode; do
  echo "npm ci in $dir"
  (cd "$repo/$dir" && npm ci --no-audit --no-fund --loglevel=error)
done
