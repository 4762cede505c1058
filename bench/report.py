"""The Markdown table of one bench run, with ratios to the floors measured in the same run."""
import platform, subprocess, sys, datetime

rows = []
for line in open(sys.argv[1]):
    if line.strip():
        cells = line.rstrip("\n").split("\t")
        rows.append(cells + [""] * (8 - len(cells)))
rss = dict(line.split("\t") for line in open(sys.argv[2]).read().splitlines() if line.strip())
cold = [line.split("\t") for line in open(sys.argv[3]).read().splitlines() if line.strip()]
posts, conns, warmup, duration = sys.argv[4:8]
floor = {r[0]: float(r[2]) for r in rows if r[0].startswith("floor")}
page_sql = floor.get("floor: (b) post page as one SQL statement")
list_sql = floor.get("floor: (a) list of 20 as one SQL statement")
graph_sql = floor.get("floor: (c) GraphQL seed page's selection as one SQL statement") or page_sql
nginx = floor.get("floor: nginx serving (b)'s bytes (1 request)")
read_only = {(r[1], r[0].endswith("[baseline]")): float(r[2]) for r in rows if r[0].startswith("(e) readers over all posts, no writes")}
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
cpu = open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].split(":", 1)[1].strip()
print(f"### {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, commit {commit}")
print(f"\n{cpu}, {platform.machine()}, 2 cores; {posts} synthetic posts; wrk {conns} connections, {warmup} s warm-up, {duration} s runs.\n")
print("| scenario | backend | req/s | p50 ms | p99 ms | errors | server CPU s | cache hits | vs its SQL floor | vs nginx | vs no writes |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, backend, rps, p50, p99, errors, cpu_s, hits in rows:
    rps = float(rps)
    # (b2) is two requests per page view: compare page views with the floors' page views.
    pages = rps / 2 if "(2 requests)" in name else rps
    vs_sql = ""
    if graph_sql and name.startswith("(c"):
        vs_sql = f"{pages / graph_sql:.2f}×"
    elif page_sql and name.startswith("(b"):
        vs_sql = f"{pages / page_sql:.2f}×"
    elif list_sql and name.startswith("(a)"):
        vs_sql = f"{rps / list_sql:.2f}×"
    vs_nginx = f"{pages / nginx:.2f}×" if nginx and name.startswith("(b") and "cache on" in name else ""
    base = read_only.get((backend, name.endswith("[baseline]")))
    vs_read = f"{rps / base:.2f}×" if base and name.startswith("(e)") else ""
    hits = f"{hits}%" if hits else ""
    print(f"| {name} | {backend} | {rps:.0f} | {p50} | {p99} | {errors} | {cpu_s} | {hits} | {vs_sql} | {vs_nginx} | {vs_read} |")
print("\nPeak server RSS: " + ", ".join(f"{b} {int(kb) // 1024} MiB" for b, kb in rss.items() if b in ("sqlite", "postgres")))
print("\nCold start to the first 200 of `GET /api/v1/posts?limit=1` on the existing database: "
      + ", ".join(f"{b} ({c}) {ms} ms" for b, c, ms in cold if b in ("sqlite", "postgres")))
