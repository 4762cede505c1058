"""The Markdown table of one bench run, with ratios to the floors."""
import platform, subprocess, sys, datetime

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
rss = dict(line.split("\t") for line in open(sys.argv[2]).read().splitlines() if line.strip())
cold = [line.split("\t") for line in open(sys.argv[3]).read().splitlines() if line.strip()]
posts, conns, warmup, duration = sys.argv[4:8]
floor = {r[0]: float(r[2]) for r in rows if r[0].startswith("floor")}
sql = floor.get("floor: (b) as one SQL statement")
nginx = floor.get("floor: nginx serving (b)'s bytes (2 requests)")
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
cpu = open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].split(":", 1)[1].strip()
print(f"### {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, commit {commit}")
print(f"\n{cpu}, {platform.machine()}, 2 cores; {posts} synthetic posts; wrk {conns} connections, {warmup} s warm-up, {duration} s runs.\n")
print("| scenario | backend | req/s | p50 ms | p99 ms | errors | server CPU s | vs one-statement SQL | vs nginx |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for name, backend, rps, p50, p99, errors, cpu_s in rows:
    rps = float(rps)
    # (b) is two requests per page view: compare page views with the floors' page views.
    pages = rps / 2 if "(2 requests)" in name else rps
    vs_sql = f"{pages / sql:.2f}×" if sql and name.startswith("(b)") else ""
    vs_nginx = f"{rps / nginx:.2f}×" if nginx and "(2 requests)" in name and not name.startswith("floor") else ""
    print(f"| {name} | {backend} | {rps:.0f} | {p50} | {p99} | {errors} | {cpu_s} | {vs_sql} | {vs_nginx} |")
print("\nPeak server RSS: " + ", ".join(f"{b} {int(kb) // 1024} MiB" for b, kb in rss.items() if b in ("sqlite", "postgres")))
print("\nCold start to the first 200 of `GET /api/v1/posts?limit=1` on the existing database: "
      + ", ".join(f"{b} ({c}) {ms} ms" for b, c, ms in cold if b in ("sqlite", "postgres")))
