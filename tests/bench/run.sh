#!/bin/sh
# Benchmarks notes-lsp on generated vaults (not a test: run by hand, numbers go to README.md).
#   tests/bench/run.sh [NOTES...]        default: 10000 100000
# Needs a release build (BUILD=build-rel after cmake -B build-rel -DCMAKE_BUILD_TYPE=Release;
# default build/) and ../shared beside the project.
set -eu
cd "$(dirname "$0")/../.."
shared=${SHARED:-../shared}
out=${OUT:-tests/bench/results.jsonl}
build=${BUILD:-build}
[ $# -gt 0 ] || set -- 10000 100000
for n in "$@"; do
  vault=/tmp/notes-lsp-bench-$n
  [ -f "$vault/.bench.json" ] || python3 "$shared/bench/gen_vault.py" "$vault" --notes "$n" >/dev/null
  echo "== $n notes: index (bench-index: ready, peak RSS, one-note re-index)"
  "./$build/bench-index" "$vault" 500 2>/dev/null | tee -a "$out"
  echo "== $n notes: notes-lsp tasks against notes-lsp check (wall s, 3 runs each; load: $(cut -d' ' -f1-3 /proc/loadavg))"
  for job in "check --format json --today 2025-11-15" "tasks --format json --today 2025-11-15" \
             "tasks --today 2025-11-15 --owner me --overdue"; do
    for run in 1 2 3; do
      s=$(date +%s.%N)
      "./$build/notes-lsp" $job "$vault" >/dev/null || true
      printf '%s %.2f\n' "$job" "$(echo "$(date +%s.%N) - $s" | bc)"
    done
  done
  echo "== $n notes: over LSP (lsp_bench.py)"
  python3 "$shared/bench/lsp_bench.py" --vault "$vault" --label notes-lsp --iterations 200 \
    --out "$out" -- "$PWD/$build/notes-lsp" 2>/dev/null |
    python3 -c 'import json,sys
d = json.loads(sys.stdin.read())
print("ready_s %.3f (%s)  progress_end_s %s  rss_peak_mb %s  cpu_s %s" % (d["ready_s"], d["ready_signal"], d["progress_end_s"], d["rss_peak_mb"], d["cpu_s"]))
for k in ("completion", "completion_mdlink", "definition", "definition_mention", "definition_mdlink", "workspace_symbol"):
    v = d.get(k) or {}
    print("  %-20s p50 %7.3f ms  p95 %7.3f ms  max %7.3f ms  ok %s" % (k, v.get("p50_ms", -1), v.get("p95_ms", -1), v.get("max_ms", -1), v.get("ok")))'
done
