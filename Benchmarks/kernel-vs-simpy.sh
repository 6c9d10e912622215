#!/usr/bin/env bash
# The kernel benchmark and its SimPy peer side by side in one run, with the ratios the
# goals are stated in. Needs `pip install simpy`.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product citus-sim >/dev/null
kernel=$(.build/release/citus-sim bench kernel "$@" 2>/dev/null)
simpy=$(python3 Benchmarks/simpy_mmc.py)
echo "$kernel"
echo "simpy_events_per_second: $(echo "$simpy" | awk '/^events_per_second/ {print $2}')"
python3 - "$kernel" "$simpy" <<'PY'
import sys
def figures(text):
    return {k.strip(): v.split()[0] for k, v in (line.split(":", 1) for line in text.splitlines())}
k, s = figures(sys.argv[1]), figures(sys.argv[2])
print(f"mmc_vs_simpy: {int(k['events_per_second']) / int(s['events_per_second']):.1f}x (goal >= 25x)")
print(f"hold_vs_baseline: {int(k['hold_events_per_second']) / int(k['baseline_events_per_second']):.3f} (goal >= 0.90)")
PY
