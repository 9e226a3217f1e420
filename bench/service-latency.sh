#!/usr/bin/env bash
# Service latency, measured through curl like a user would:
#   - startup: `node dist/apps/server/src/main.js` (private redis + API + worker) until /health/ready;
#   - upload→ready: POST the file, follow the SSE stream until `done`; the document is deleted
#     between runs so each run processes it afresh (the same content would otherwise be deduplicated).
# Usage: bench/service-latency.sh FILE [RUNS]   (run `npm run build` first). Prints medians.
set -euo pipefail
FILE=${1:?usage: bench/service-latency.sh FILE [RUNS]}
RUNS=${2:-5}
cd "$(dirname "$0")/.."
DATA=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
API=http://127.0.0.1:$PORT
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

start=$(now)
env -u REDIS_URL DATA_DIR="$DATA" PORT="$PORT" LOG_LEVEL=warn node dist/apps/server/src/main.js >"$DATA/server.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
until curl -sf "$API/health/ready" >/dev/null; do sleep 0.05; done
startup=$(echo "$(now) - $start" | bc)
KEY=$(cat "$DATA/dev-api-key")

times=()
for i in $(seq 1 "$RUNS"); do
  t0=$(now)
  ID=$(curl -sf -H "Authorization: Bearer $KEY" -F "file=@$FILE" "$API/v1/documents" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  curl -sfN -H "Authorization: Bearer $KEY" "$API/v1/documents/$ID/events" | grep -q '^event: done'
  t1=$(now)
  DOC=$(curl -sf -H "Authorization: Bearer $KEY" "$API/v1/documents/$ID")
  echo "run $i: $(echo "$t1 - $t0" | bc) s  $(echo "$DOC" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], "pages", d["pages"], "timings", d["timings"])')" >&2
  times+=("$(echo "$t1 - $t0" | bc)")
  curl -sf -X DELETE -H "Authorization: Bearer $KEY" "$API/v1/documents/$ID"
done
printf 'startup_s %.2f\nupload_to_ready_median_s %.2f (runs: %s)\n' "$startup" \
  "$(printf '%s\n' "${times[@]}" | median)" "$RUNS"
