#!/bin/sh
# Deterministic cost of the whole per-event path (parse, rules scan, learned
# model, account state, reply encoding; no sockets): instructions executed in
# Worker.dispatchLines per event, counted by callgrind while `guardline replay`
# runs 4,000 bench-like events through the shipped config. Timing swings with
# machine load; instruction counts do not. Takes ~3 minutes (the detector
# compile at start-up runs under valgrind too, outside the count).
#   swift build -c release
#   Tests/GuardlineDetectorsTests/Fixtures/scan-cost/pipeline-instructions.sh [BINARY]
# Then `callgrind_annotate --inclusive=yes $TMPDIR/guardline-pipeline/callgrind.out`
# shows where the instructions go.
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
work=${TMPDIR:-/tmp}/guardline-pipeline
mkdir -p "$work"
# valgrind cannot read the Swift binary's DWARF: count on a copy without it.
cp "${1:-$root/.build/release/guardline}" "$work/guardline"
strip --strip-debug "$work/guardline"
python3 "$here/bench_events.py" 4000 > "$work/events.ndjson"
rm -f "$work"/replay.db*
cd "$root"
valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
    --toggle-collect='$s15GuardlineDaemon6WorkerC13dispatchLines33_33B0301C3B2D1011A16DEBB870D0EDDELL4mode9finishingy0A8Protocol12ResponseModeOz_SbtF' \
    "$work/guardline" replay "$work/events.ndjson" --config config/guardline.yaml --db "$work/replay.db" 2>&1 |
    awk '/Collected/ { if ($4 == 0) print "nothing counted: the Worker.dispatchLines symbol changed; update --toggle-collect"; else printf "%.0f instructions per event (Worker.dispatchLines, 4000 bench-like events)\n", $4/4000 }'
