#!/bin/sh
# Measures every row of issue 13's table on generated vaults (not a test: run by hand, numbers
# go to README.md). One JSON line per measurement is appended to $OUT.
#   tests/bench/run.sh [NOTES...]        default: 10000 100000
# Needs a release build (BUILD=build-rel after cmake -B build-rel -DCMAKE_BUILD_TYPE=Release;
# default build/) and ../shared beside the project (SHARED=... otherwise). With PEER=DIR (where
# vscode-markdown-languageserver@0.5.0 is installed, see ../shared/bench/README.md) the peer
# runs too, at 10,000 notes only. Vaults go to ${VAULTS:-/tmp/notes-lsp-bench}-N (seed 1).
# In-process figures (the index, task views): bench-index and views_bench.py, see README.md.
# For each vault, in this order:
#   load      uptime before and after
#   floor     lsp_bench.py --baseline: read every note + libcmark-parse it, on one core
#   start 1   lsp_bench.py with an empty index cache (XDG_CACHE_HOME in a fresh folder):
#             ready, CPU to ready, peak RSS (MiB), completion/definition/symbol latencies
#   start 2   the same again on the cache the first start wrote
#   nav       nav_bench.py: references, hover, definition, workspace/symbol (latency, CPU)
#   complete  completion_bench.py: [[ and @ with 0-5 letters typed (latency, CPU, bytes)
#   typing    typing_bench.py: server CPU per keystroke with 100 ms and 400 ms pauses
set -eu
cd "$(dirname "$0")/../.."
shared=${SHARED:-../shared}
[ -d "$shared/bench" ] || shared=/work/shared
shared=$(cd "$shared" && pwd) # absolute: the servers run in the vault
out=${OUT:-tests/bench/results.jsonl}
build=${BUILD:-build}
server="$PWD/$build/notes-lsp"
[ $# -gt 0 ] || set -- 10000 100000
# The scan stops at maxNotes (100,000 by default): lifted so 200,000 are all indexed.
init='{"maxNotes": 1000000}'
tag() { python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); d["step"]=sys.argv[1]; d["notes_n"]=int(sys.argv[2]); print(json.dumps(d))' "$1" "$2"; }
for n in "$@"; do
  vault=${VAULTS:-/tmp/notes-lsp-bench}-$n
  [ -f "$vault/.bench.json" ] || python3 "$shared/bench/gen_vault.py" "$vault" --notes "$n" >/dev/null
  echo "== $n notes, $(date -u +%FT%TZ), load: $(uptime)"
  python3 "$shared/bench/lsp_bench.py" --vault "$vault" --baseline 2>/dev/null | tag floor "$n" | tee -a "$out"
  cache=$(mktemp -d /tmp/notes-lsp-bench-cache.XXXXXX)
  for start in start1 start2; do
    XDG_CACHE_HOME=$cache python3 "$shared/bench/lsp_bench.py" --vault "$vault" --label notes-lsp \
      --iterations 200 --init-options "$init" -- "$server" 2>/dev/null | tag "$start" "$n" | tee -a "$out"
  done
  XDG_CACHE_HOME=$cache python3 tests/bench/nav_bench.py --vault "$vault" --init-options "$init" -- "$server" | tag nav "$n" | tee -a "$out"
  XDG_CACHE_HOME=$cache python3 tests/bench/completion_bench.py --vault "$vault" --init-options "$init" \
    -- "$server" | tag complete "$n" | tee -a "$out"
  for pause in 100 400; do
    XDG_CACHE_HOME=$cache python3 tests/bench/typing_bench.py --vault "$vault" --rounds 2 \
      --pause $pause --init-options "$init" -- "$server" | tag "typing$pause" "$n" | tee -a "$out"
  done
  rm -rf "$cache"
  if [ -n "${PEER:-}" ] && [ "$n" = 10000 ]; then
    python3 "$shared/bench/lsp_bench.py" --vault "$vault" --label vscode-markdown-languageserver@0.5.0 \
      --iterations 200 --init-options '{"markdownFileExtensions":["md"]}' \
      --settings "@$shared/bench/peers/vscode-markdown.settings.json" -- \
      node "$shared/bench/peers/vscode-markdown-shim.mjs" \
      "$PEER/node_modules/vscode-markdown-languageserver/dist/node/workerMain.js" 2>/dev/null |
      tag peer "$n" | tee -a "$out"
  fi
  echo "== $n notes done, $(date -u +%FT%TZ), load: $(uptime)"
done
