# Sourced by the one-connection benches (scale.sh, filters.sh): latency URL → "p50 / p99" in ms,
# one connection, 2 s of warm-up and 5 s measured.
latency() {
  wrk -t1 -c1 -d2s "$1" >/dev/null 2>&1
  wrk -t1 -c1 -d5s --latency "$1" | python3 -c '
import re, sys
t = sys.stdin.read()
def ms(v):
    n, u = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[u]
p50 = ms(re.search(r"^\s+50%\s+(\S+)", t, re.M).group(1)); p99 = ms(re.search(r"^\s+99%\s+(\S+)", t, re.M).group(1))
print(f"{p50:.2f} / {p99:.2f}")'
}
