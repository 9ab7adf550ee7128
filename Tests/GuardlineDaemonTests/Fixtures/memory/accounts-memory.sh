#!/bin/sh
# Memory per account in the risk engine's table, measured on a running daemon:
# starts `guardline serve` with the shipped config, streams events from
# N distinct accounts with `guardline send` in steps, and prints the daemon's
# resident memory after each step. With STEPS reaching past
# accounts.max_accounts (1,000,000 in the shipped config) the figure must stop
# growing: that is the eviction bound. Takes ~1 minute; needs ~250 MB of /tmp.
#   swift build -c release
#   Tests/GuardlineDaemonTests/Fixtures/memory/accounts-memory.sh [BINARY] [PORT]
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
bin=${1:-$root/.build/release/guardline}
port=${2:-7990}
work=${TMPDIR:-/tmp}/guardline-accounts-memory
rm -rf "$work" && mkdir -p "$work"
# Steps of 500,000, 500,000 and 1,000,000 new accounts (2,000,000 in all),
# ordinary text, 5,000 organisations.
python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
start = 0
for name, count in (("1", 500_000), ("2", 500_000), ("3", 1_000_000)):
    with open(f"{work}/step{name}.ndjson", "w") as f:
        for i in range(start, start + count):
            f.write('{"id":"e%d","account_id":"acct-%07d","org_id":"org-%d","text":"hello, how do I bake bread at home?"}\n'
                    % (i, i, i % 5000))
    start += count
PY
cd "$root"
"$bin" serve --config config/guardline.yaml --listen "127.0.0.1:$port" --db "$work/g.db" --metrics-listen "" 2>"$work/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$work"/step*.ndjson' EXIT
sleep 2
rss() { awk '/VmRSS/ { print $2 }' /proc/$pid/status; }
base=$(rss)
echo "accounts sent 0: daemon RSS $((base / 1024)) MB"
total=0
for step in 1 2 3; do
    n=$(wc -l < "$work/step$step.ndjson")
    "$bin" send "$work/step$step.ndjson" --to "127.0.0.1:$port" --connections 4 >/dev/null
    total=$((total + n))
    sleep 1
    now=$(rss)
    held=$total; [ "$held" -gt 1000000 ] && held=1000000
    echo "accounts sent $total: daemon RSS $((now / 1024)) MB ($(( (now - base) * 1024 / held )) bytes per account held; at most accounts.max_accounts = 1,000,000 are)"
done
