#!/bin/sh
# `cmake --install` into a throwaway DESTDIR and prefix: the binary runs, the man page renders
# without warnings and documents every flag the binary's --help lists, and the editor files are
# all there without their tests. Usage: test_install.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
tmp=$(mktemp -d /tmp/nl-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() {
  echo "FAIL: $*"
  exit 1
}

prefix=/opt/notes-lsp-test
DESTDIR="$tmp/dest" cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" ||
  { cat "$tmp/install.log"; fail "cmake --install"; }
root="$tmp/dest$prefix"

# the binary
bin="$root/bin/notes-lsp"
[ -x "$bin" ] || fail "no executable $bin"
version=$("$bin" --version) || fail "$bin --version"
case $version in "notes-lsp "[0-9]*) ;; *) fail "version line: $version" ;; esac
"$bin" check --today 2025-11-15 "$src/tests/vault-example" >"$tmp/check.txt" && fail "check: 0"
cmp "$tmp/check.txt" "$src/tests/data/check-example.txt" || fail "installed check differs"

# the editor files: every file of editors/ except tests and build products
(cd "$src/editors" && find . -type f \
  ! -path '*/node_modules/*' ! -path '*/test/*' ! -path '*/dist/*' \
  ! -name 'test_*.py' ! -name '*.vsix' | sort) >"$tmp/want"
(cd "$root/share/notes-lsp/editors" && find . -type f | sort) >"$tmp/got" ||
  fail "no share/notes-lsp/editors"
diff "$tmp/want" "$tmp/got" || fail "installed editor files differ from editors/"
for f in README.md nvim/plugin/notes_lsp.lua helix/languages.toml vscode/package.json; do
  grep -qx "./$f" "$tmp/got" || fail "editors/$f not installed"
done

# the man page
page="$root/share/man/man1/notes-lsp.1"
[ -f "$page" ] || fail "no $page"
groff -man -Tutf8 -ww -z "$page" 2>"$tmp/groff.err" || fail "groff failed"
[ ! -s "$tmp/groff.err" ] || { cat "$tmp/groff.err"; fail "groff warnings"; }
if command -v mandoc >/dev/null 2>&1; then
  # -W warning: mandoc's style notes (base-level) are not errors
  mandoc -Tlint -W warning "$page" || fail "mandoc -Tlint"
fi
if command -v man >/dev/null 2>&1; then
  MANWIDTH=100 man -l "$page" 2>"$tmp/man.err" >"$tmp/page.txt" || fail "man -l"
  [ ! -s "$tmp/man.err" ] || { cat "$tmp/man.err"; fail "man -l warnings"; }
else
  echo "man is not installed (apt-get install man-db): rendering with groff"
  groff -man -Tutf8 -P-cbou "$page" >"$tmp/page.txt"
fi
for section in NAME SYNOPSIS DESCRIPTION OPTIONS CHECK TASKS GRAPH CONFIGURATION \
  "EXIT STATUS" ENVIRONMENT; do
  grep -q "^$section" "$tmp/page.txt" || fail "the man page has no $section section"
done

# every flag the program's usage lists is in the man page (commands that exist)
flags() { grep -o -- '--[a-z][a-z-]*' | sort -u; }
"$bin" --help | flags >"$tmp/flags"
for cmd in check tasks graph; do
  if "$bin" "$cmd" --help >"$tmp/usage" 2>/dev/null; then
    flags <"$tmp/usage" >>"$tmp/flags"
  fi
done
missing=""
for flag in $(sort -u "$tmp/flags"); do
  grep -q -- "$flag" "$tmp/page.txt" || missing="$missing $flag"
done
[ -z "$missing" ] || fail "flags missing from the man page:$missing"
# every configuration key of README.md's example (the yaml block under "## Configuration")
keys=$(awk '/^## Configuration/ { s = 1 } s && /^```yaml/ { y = 1; next } y && /^```/ { exit }
            y && /^[A-Za-z]+:/ { sub(/:.*/, ""); print }' "$src/README.md")
[ -n "$keys" ] || fail "no configuration keys found in README.md"
for key in $keys; do
  grep -Eq "^ *$key( |\$)" "$tmp/page.txt" || fail "configuration key $key not in the man page"
done
echo "ok: installed $(wc -l <"$tmp/got") editor files, the binary and a man page with $(sort -u "$tmp/flags" | wc -l) flags"
