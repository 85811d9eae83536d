#!/bin/sh
# The repository's .pre-commit-hooks.yaml through Debian's real pre-commit: a vault kept in git
# runs the hook on its staged notes (pre-commit try-repo), a broken link fails the hook, a clean
# note passes. The hook file is copied into a throwaway git repository so the test sees the
# working tree's version, committed or not. Usage: test_precommit.sh REPO BUILD_DIR
# Exits 77 (skipped) when pre-commit or git is missing.
set -eu
repo=$1
bin_dir=$2
for tool in pre-commit git; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool is not installed (apt-get install pre-commit git)"
    exit 77
  fi
done

tmp=$(mktemp -d /tmp/nl-precommit-XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp/home" PRE_COMMIT_HOME="$tmp/cache" PATH="$bin_dir:$PATH"
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.invalid
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.invalid
mkdir -p "$HOME"

mkdir "$tmp/hooks"
cp "$repo/.pre-commit-hooks.yaml" "$tmp/hooks/"
git -C "$tmp/hooks" init -q
git -C "$tmp/hooks" add .pre-commit-hooks.yaml
git -C "$tmp/hooks" commit -qm hooks

vault="$tmp/My vault"
mkdir -p "$vault/People"
printf -- '---\ntype: person\n---\n# Ana Ruiz\n' >"$vault/People/Ana Ruiz.md"
printf 'Met [[Ana Ruiz]] and [[Nobody Here]].\n' >"$vault/Broken.md"
printf 'Call @Ana Ruiz about [[Ana Ruiz]].\n' >"$vault/Clean.md"
printf 'not a note\n' >"$vault/notes.txt"
git -C "$vault" init -q
git -C "$vault" add .

cd "$vault"
if pre-commit try-repo "$tmp/hooks" notes-lsp-check --files Broken.md Clean.md notes.txt \
  >"$tmp/out" 2>&1; then
  cat "$tmp/out"
  echo "FAIL: the hook passed a note with a broken link"
  exit 1
fi
cat "$tmp/out"
grep -q "Broken.md:1:22: warning: broken link: no note named 'Nobody Here' \[broken-link\]" \
  "$tmp/out" || { echo "FAIL: no broken-link line"; exit 1; }
grep -q "in 2 notes" "$tmp/out" || { echo "FAIL: notes.txt was passed or a note missed"; exit 1; }

pre-commit try-repo "$tmp/hooks" notes-lsp-check --files Clean.md >"$tmp/out" 2>&1 || {
  cat "$tmp/out"
  echo "FAIL: the hook failed a clean note"
  exit 1
}
grep -q "notes-lsp check\.*Passed" "$tmp/out" || { cat "$tmp/out"; echo "FAIL: not passed"; exit 1; }
echo "ok: pre-commit hook"
