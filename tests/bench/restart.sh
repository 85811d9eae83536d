#!/bin/sh
# The restart rows of issue 13's table alone (run.sh's "start 1" and "start 2" steps): for each
# vault, the server started twice on one fresh index cache (XDG_CACHE_HOME), the first start
# writing it, the second reading it; then the second's ready time and CPU to ready as a
# fraction of the first's. Not a test: run by hand, numbers go to tests/bench/README.md.
#   tests/bench/restart.sh VAULT...        (BUILD=build by default, SHARED as in run.sh)
set -eu
cd "$(dirname "$0")/../.."
shared=${SHARED:-../shared}
[ -d "$shared/bench" ] || shared=/work/shared
server="$PWD/${BUILD:-build}/notes-lsp"
for vault in "$@"; do
  cache=$(mktemp -d /tmp/notes-lsp-restart.XXXXXX)
  echo "== $vault, $(date -u +%FT%TZ), load: $(uptime)"
  for start in start1 start2; do
    XDG_CACHE_HOME=$cache python3 "$shared/bench/lsp_bench.py" --vault "$vault" --label notes-lsp \
      --iterations 20 --init-options '{"maxNotes": 1000000}' -- "$server" 2>/dev/null |
      python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); d["step"]=sys.argv[1]; print(json.dumps(d))' "$start"
  done | tee "$cache/lines" | python3 -c '
import json, sys
runs = [json.loads(l) for l in sys.stdin]
for r in runs:
    print("%s: ready %.3f s, CPU to ready %.2f s, peak RSS %.1f MiB" % (r["step"], r["ready_s"], r["cpu_ready_s"], r["rss_peak_mb"]))
a, b = runs
print("second / first: ready %.3f, CPU to ready %.3f" % (b["ready_s"] / a["ready_s"], b["cpu_ready_s"] / a["cpu_ready_s"]))'
  du -h "$cache/notes-lsp"/*.idx | sed 's/^/cache file: /'
  rm -rf "$cache"
done
echo "== done $(date -u +%FT%TZ), load: $(uptime)"
