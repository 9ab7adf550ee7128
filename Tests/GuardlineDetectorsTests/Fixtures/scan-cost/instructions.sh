#!/bin/sh
# Deterministic scan cost: instructions executed inside hs_scan per bench-like
# text (valgrind callgrind), for the user text and user arguments databases of
# the shipped detectors. Wall and CPU time swing ±50 % on the shared machine;
# instruction counts do not, so use them to compare pattern rewrites.
#   cd Tests/GuardlineDetectorsTests/Fixtures/scan-cost && ./instructions.sh
# Replace one pattern:  ./instructions.sh 'i:\bend\s+of' 'i:<new regex>'  (or DROP)
set -e
cd "$(dirname "$0")"
work=${TMPDIR:-/tmp}/guardline-scan-cost
mkdir -p "$work"
gcc -O2 -o "$work/ser" serialize_and_scan.c -lhs
python3 bench_texts.py "$work/texts.txt"
head -256 "$work/texts.txt" > "$work/t256.txt"
python3 -c "
for i in range(64): print('{\"query\":\"weather in Lisbon\",\"limit\":3}')" > "$work/args.txt"
count() { # database texts
    n=$(wc -l < "$2")
    valgrind --tool=callgrind --toggle-collect=scan_all --callgrind-out-file=/dev/null "$work/ser" -r "$1" "$2" 2>&1 |
        awk -v n="$n" '/Collected/ {printf "%.0f\n", $4/n}'
}
replace() { python3 -c "
import sys; ps=sys.stdin.read().split('\0'); old=sys.argv[1]; new=sys.argv[2]
if old: assert any(p.startswith(old) for p in ps), 'no pattern starts with ' + old
ps=[p for p in ps if not (old and new == 'DROP' and p.startswith(old))]
ps=[new if old and p.startswith(old) else p for p in ps]
sys.stdout.write('\0'.join(ps))" "$1" "$2"; }
# Compile under valgrind too: Vectorscan builds for the CPU it sees, and
# valgrind hides AVX-512, so a database compiled natively on an AVX-512
# machine fails to load under valgrind (and the count reads 0).
python3 patterns.py user text | replace "${1:-}" "${2:-}" | xargs -0 valgrind -q --tool=none "$work/ser" "$work/text.db" >/dev/null
python3 patterns.py user tool_calls.arguments | xargs -0 valgrind -q --tool=none "$work/ser" "$work/args.db" >/dev/null
echo "user text database: $(count "$work/text.db" "$work/t256.txt") instructions per bench-like text (mean of 256)"
echo "user arguments database: $(count "$work/args.db" "$work/args.txt") instructions per arguments scan"
