#!/bin/sh
# The Debian package end to end, as CI runs it (as root): cpack builds the .deb, its Depends
# name the Debian packages of every library the binary links, `apt-get install ./...deb`
# installs it, the installed notes-lsp answers --version, `check` on the example vault and an
# LSP initialize/shutdown/exit over stdio, and the package is purged again, also when a step
# fails (trap). Skips (exit 77) when not root, without apt/dpkg, or when a notes-lsp is
# already installed on this machine (it is never replaced or removed).
# Usage: test_deb.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
skip() {
  echo "SKIP: $*"
  exit 77
}
fail() {
  echo "FAIL: $*"
  exit 1
}
[ "$(id -u)" = 0 ] || skip "installing a package needs root (CI runs this test as root)"
for tool in apt-get dpkg dpkg-deb dpkg-shlibdeps cpack python3 flock; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool is missing (apt-get install dpkg-dev cmake)"
done
# One package at a time on this machine: the release and sanitizer builds, and other checkouts'
# test runs, all install the same package name.
exec 8>/tmp/notes-lsp-install-deb.lock
flock -w 600 8 || fail "another install-deb test held /tmp/notes-lsp-install-deb.lock for 10 min"
if dpkg-query -W -f='${Status}' notes-lsp 2>/dev/null | grep -q "ok installed"; then
  skip "a notes-lsp package is installed on this machine; not touching it"
fi
for f in /usr/bin/notes-lsp /usr/share/man/man1/notes-lsp.1 /usr/share/notes-lsp; do
  [ ! -e "$f" ] || skip "$f exists (installed by hand?); not overwriting it"
done

tmp=$(mktemp -d /tmp/nl-deb-XXXXXX)
installed=0
cleanup() {
  if [ "$installed" = 1 ]; then
    dpkg --purge notes-lsp >"$tmp/purge.log" 2>&1 || cat "$tmp/purge.log"
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# build the package from the build tree
(cd "$build" && cpack -G DEB -B "$tmp/pkg") >"$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log"; fail "cpack"; }
deb=$(ls "$tmp"/pkg/notes-lsp_*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"

# every shared library the binary links comes from a package named in Depends
binary=$(cd "$build" && pwd)/notes-lsp
for lib in jansson yaml-0 cmark uv; do
  path=$(ldd "$binary" | awk -v l="lib$lib" 'index($1, l ".so") == 1 { print $3 }')
  [ -n "$path" ] || fail "the binary does not link lib$lib"
  pkg=$(dpkg -S "$(readlink -f "$path")" | head -1 | cut -d: -f1)
  case ", $depends" in *", $pkg "* | *", $pkg,"* | *", $pkg") ;; *) fail "Depends lacks $pkg ($path)" ;; esac
done
case "$depends" in *-dev*) fail "Depends names a -dev package: $depends" ;; esac

# install it the way a user does
installed=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=120 "$deb" \
  >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log"; fail "apt-get install"; }
[ -x /usr/bin/notes-lsp ] || fail "no /usr/bin/notes-lsp after install"
version=$(/usr/bin/notes-lsp --version)
want=$("$binary" --version)
[ "$version" = "$want" ] || fail "installed version '$version', built '$want'"
dpkg-deb -c "$deb" >"$tmp/contents"
grep -q ' \./usr/share/man/man1/notes-lsp\.1' "$tmp/contents" || fail "no man page in the package"
if grep -qs '^path-exclude.*/usr/share/man' /etc/dpkg/dpkg.cfg.d/*; then
  echo "dpkg here leaves out /usr/share/man (path-exclude): the page is in the package, not checked with man"
else
  man -w notes-lsp >/dev/null 2>&1 || fail "man notes-lsp: no page"
fi
[ -f /usr/share/notes-lsp/editors/nvim/plugin/notes_lsp.lua ] || fail "no editor files"

status=0
/usr/bin/notes-lsp check --today 2025-11-15 "$src/tests/vault-example" >"$tmp/check.txt" ||
  status=$?
[ "$status" = 1 ] || fail "check exit status $status, want 1"
cmp "$tmp/check.txt" "$src/tests/data/check-example.txt" || fail "check report differs"

# initialize, shutdown and exit over stdio; the server exits 0
python3 - "$src/tests/vault-example" <<'PY' || fail "LSP session"
import json, os, subprocess, sys
vault = os.path.realpath(sys.argv[1])
proc = subprocess.Popen(["/usr/bin/notes-lsp", "--stdio"], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
def send(msg):
    body = json.dumps(msg).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()
def read():
    length = 0
    while True:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(proc.stdout.read(length))
def answer(id_):
    while True:
        msg = read()
        if msg.get("id") == id_ and "method" not in msg:
            return msg
uri = "file://" + vault
send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "processId": None, "rootUri": uri, "capabilities": {},
    "workspaceFolders": [{"uri": uri, "name": "vault"}]}})
init = answer(1)
assert init["result"]["serverInfo"]["name"] == "notes-lsp", init
assert "definitionProvider" in init["result"]["capabilities"], init
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
assert answer(2).get("result", "missing") is None
send({"jsonrpc": "2.0", "method": "exit"})
proc.stdin.close()
code = proc.wait(timeout=30)
assert code == 0, "exit status %d" % code
print("LSP: initialize, shutdown, exit: ok")
PY

# remove it again; nothing is left behind
dpkg --purge notes-lsp >"$tmp/purge.log" 2>&1 || { cat "$tmp/purge.log"; fail "dpkg --purge"; }
installed=0
[ ! -e /usr/bin/notes-lsp ] || fail "/usr/bin/notes-lsp left after purge"
[ ! -e /usr/share/notes-lsp ] || fail "/usr/share/notes-lsp left after purge"
echo "ok: $(basename "$deb") built, installed, run and purged"
