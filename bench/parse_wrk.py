"""One TSV row from wrk --latency output: name, backend, req/s, p50 ms, p99 ms, errors, cpu s, and
the response cache's hit ratio when the script counted it (bench/readers.lua)."""
import re, sys

name, backend, path, ticks, hz = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
text = open(path).read()

def ms(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)) if "Requests/sec" in text else 0.0
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1)) if re.search(r"^\s+50%", text, re.M) else float("nan")
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1)) if re.search(r"^\s+99%", text, re.M) else float("nan")
errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", text))
socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
if socket:
    errors += sum(int(n) for n in socket.groups())
cache = re.search(r"cache: (\d+) hits (\d+) misses", text)
ratio = ""
if cache:
    hits, misses = int(cache.group(1)), int(cache.group(2))
    ratio = f"{100 * hits / max(1, hits + misses):.1f}"
print(f"{name}\t{backend}\t{rps:.0f}\t{p50:.2f}\t{p99:.2f}\t{errors}\t{ticks / hz:.1f}\t{ratio}")
