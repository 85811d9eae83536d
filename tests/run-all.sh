#!/bin/sh
# Installs what the tests need, builds notes-lsp twice (release and ASan+UBSan) and runs every
# test through ctest. README's test command and .ci/run both call exactly this script.
set -eu
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq cmake gcc make pkg-config libjansson-dev libyaml-dev \
  libcmark-dev libuv1-dev neovim emacs-nox elpa-eglot elpa-markdown-mode python3 \
  clang libclang-rt-14-dev >/dev/null
# The command-line and install tests: the pre-commit hook, Graphviz for `graph --format dot`,
# man for the man page, and dpkg-dev (dpkg-shlibdeps) for the Debian package.
$SUDO apt-get install -y -qq git pre-commit graphviz man-db groff-base dpkg-dev fakeroot \
  >/dev/null
# Node.js and npm only when missing (a machine may have them from elsewhere), then the npm
# packages of tests/e2e, tests/cli and editors/vscode from their committed package-lock.json files.
tests/install-test-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 300

# Every test again against the AddressSanitizer + UndefinedBehaviorSanitizer build.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DNOTES_LSP_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" --timeout 300
