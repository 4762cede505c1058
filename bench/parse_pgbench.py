"""One TSV row from pgbench output: name, backend, tps, p50 (average latency) ms, p99 n/a, errors, cpu n/a."""
import re, sys

name, backend, path = sys.argv[1:4]
text = open(path).read()
tps = float(re.search(r"tps = ([\d.]+)", text).group(1))
latency = re.search(r"latency average = ([\d.]+) ms", text)
failed = re.search(r"number of failed transactions: (\d+)", text)
print(f"{name}\t{backend}\t{tps:.0f}\t{float(latency.group(1)) if latency else float('nan'):.2f}\t-\t{failed.group(1) if failed else 0}\t-")
