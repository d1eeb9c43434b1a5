#!/usr/bin/env bash
# Start-and-ready smoke test: `inkwell start` on an empty data directory (embedded PostgreSQL,
# migrations, demo seed) must answer GET /readyz with 200 in time, then stop cleanly on SIGTERM.
#
#   scripts/smoke.sh [path/to/node]      (default: the `node` on PATH)
#   SMOKE_READY_SECONDS=120 SMOKE_STOP_SECONDS=60 scripts/smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."

node_bin="${1:-$(command -v node)}"
ready_seconds="${SMOKE_READY_SECONDS:-120}"
stop_seconds="${SMOKE_STOP_SECONDS:-60}"

free_port() {
  "$node_bin" -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# Not under /root: as root, PostgreSQL runs as the "postgres" user, which must reach DATA_DIR.
data_dir="$(mktemp -d "${TMPDIR:-/tmp}/inkwell-smoke.XXXXXX")"
log="$data_dir.log"
port="$(free_port)"
pg_port="$(free_port)"
while [ "$pg_port" = "$port" ]; do pg_port="$(free_port)"; done
url="http://127.0.0.1:$port"
pid=""

cleanup() {
  # Whatever is left of the server's process group (node and its PostgreSQL) goes.
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
  rm -rf "$data_dir" "$log"
}
trap cleanup EXIT

echo "== smoke: $("$node_bin" --version): inkwell start on $url (PostgreSQL on $pg_port, data in $data_dir)"
# In a process group of its own, so that a failure can end it together with its PostgreSQL.
DATA_DIR="$data_dir" PORT="$port" HOST=127.0.0.1 EMBEDDED_PG_PORT="$pg_port" LOG_LEVEL=info \
  setsid "$node_bin" bin/inkwell.js start >"$log" 2>&1 &
pid=$!

ready() {
  "$node_bin" -e 'fetch(process.argv[1]).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' \
    "$url/readyz"
}

started=$SECONDS
until ready; do
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid" && code=0 || code=$?
    echo "smoke: FAILED, inkwell start exited ($code) before it was ready:" >&2
    cat "$log" >&2
    exit 1
  fi
  if [ $((SECONDS - started)) -ge "$ready_seconds" ]; then
    echo "smoke: FAILED, /readyz did not answer 200 within $ready_seconds s:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 1
done
echo "smoke: ready after $((SECONDS - started)) s"

kill -TERM "$pid"
stopping=$SECONDS
while kill -0 "$pid" 2>/dev/null; do
  if [ $((SECONDS - stopping)) -ge "$stop_seconds" ]; then
    echo "smoke: FAILED, still running $stop_seconds s after SIGTERM:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.5
done
wait "$pid" && code=0 || code=$?
pid=""
if [ "$code" -ne 0 ]; then
  echo "smoke: FAILED, inkwell start exited with $code after SIGTERM:" >&2
  cat "$log" >&2
  exit 1
fi
echo "smoke: stopped cleanly after $((SECONDS - stopping)) s"

# Node 20 and older are warned about exactly once; supported versions not at all.
warnings="$(grep -c "is end of life" "$log" || true)"
if [ "$("$node_bin" -p 'process.versions.node.split(".")[0] < 22')" = true ]; then expected=1; else expected=0; fi
if [ "$warnings" -ne "$expected" ]; then
  echo "smoke: FAILED, $warnings end-of-life warnings instead of $expected:" >&2
  cat "$log" >&2
  exit 1
fi
grep "is end of life" "$log" || true
