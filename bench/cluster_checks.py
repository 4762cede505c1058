#!/usr/bin/env python3
"""The measurements of bench/cluster.sh, against three running nodes (NODES_CSV ports).

Writes a Markdown report to $OUT and prints it. Standard library and wrk only.
"""
import http.client
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time

DURATION = int(sys.argv[1]) if len(sys.argv) > 1 else 10
NODES = [int(p) for p in os.environ["NODES_CSV"].split(",")]
POSTS = int(os.environ["POSTS"])
WORK, PGBIN, OUT = os.environ["WORK"], os.environ["PGBIN"], os.environ["OUT"]
POST = "synthetic-post-1"
report = []


def say(line=""):
    print(line, flush=True)
    report.append(line)


def request(port, method, path, body=None, token=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    hdrs = dict(headers or {})
    if body is not None:
        hdrs["content-type"] = "application/json"
    if token:
        hdrs["authorization"] = f"Bearer {token}"
    conn.request(method, path, json.dumps(body) if body is not None else None, hdrs)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def login(port):
    status, data = request(port, "POST", "/api/v1/auth/login",
                           {"email": "admin@cluster.test", "password": "cluster admin password"})
    assert status == 200, data
    return json.loads(data)["access_token"]


def title(port):
    status, data = request(port, "GET", f"/api/v1/posts/{POST}")
    if status != 200:
        raise RuntimeError(f"GET answered {status}: {data[:200]!r}")
    return json.loads(data)["title"]


def marker(text):
    """The number a written title carries ("Edit 12"), or -1."""
    return int(text.split()[-1]) if text.startswith("Edit ") else -1


A, B, C = NODES
token = login(A)
say(f"# Scale-out on one machine, {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC")
say()
say(f"Primary, streaming replica, PgBouncer (transaction mode), three nodes; {POSTS} synthetic posts; release build.")
say()

# 1 and 2: propagation, and no stale answer once a node has shown a newer one.
say("## A write through node A, read on node C")
say()
delays = []
stale = 0
for n in range(1, 21):
    status, data = request(A, "PATCH", f"/api/v1/posts/{POST}", {"title": f"Edit {n}"}, token)
    assert status == 200, data
    written = time.monotonic()
    newest_seen = -1
    while True:
        seen = marker(title(C))
        if seen < newest_seen:
            stale += 1
        newest_seen = max(newest_seen, seen)
        if seen == n:
            delays.append((time.monotonic() - written) * 1000)
            break
        if time.monotonic() - written > 5:
            raise SystemExit(f"node C never showed Edit {n}")
    # Once shown, C keeps showing it (or newer).
    for _ in range(20):
        if marker(title(C)) < n:
            stale += 1
say(f"- 20 writes: seen on C after p50 **{statistics.median(delays):.1f} ms**, max {max(delays):.1f} ms "
    f"(target: within 100 ms)")
say(f"- answers on C older than one C had already shown: **{stale}** (of {20 * 21} and more checked)")
say()

# 3: the comment limit across nodes.
say("## The comment limit across nodes (5 a minute per address)")
say()
codes = []
for i in range(12):
    status, _ = request(NODES[i % 3], "POST", f"/api/v1/posts/{POST}/comments",
                        {"author_name": "Reader", "body": f"comment {i}"})
    codes.append(status)
say(f"- 12 comments from one address, spread over A, B, C in turn: {codes.count(201)} accepted, "
    f"{codes.count(429)} refused (429): `{codes}`")
say()


# 4: read throughput with one, two and three nodes.
def cpu_ticks(names):
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)
            comm = open(f"/proc/{pid}/comm").read().strip()
        except OSError:
            continue
        if any(comm.startswith(n) for n in names):
            parts = fields[1].split()
            total += int(parts[11]) + int(parts[12])
    return total


def readers(ports, seconds):
    groups = {"colophon": ["colophon"], "postgres": ["postgres"], "pgbouncer": ["pgbouncer"]}
    before = {g: cpu_ticks(n) for g, n in groups.items()}
    # wrk exits before the count after: its time comes from the children's usage.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    runs = [subprocess.Popen(["wrk", "-t1", "-c8", f"-d{seconds}s", "-s", "bench/readers.lua",
                              f"http://127.0.0.1:{port}"], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "POSTS": str(POSTS)}) for port in ports]
    outputs = [run.communicate()[0] for run in runs]
    elapsed = time.monotonic() - started
    hz = os.sysconf("SC_CLK_TCK")
    cpu = {g: (cpu_ticks(n) - before[g]) / hz / elapsed for g, n in groups.items()}
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu["wrk"] = (after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime) / elapsed
    rps = 0.0
    errors = 0
    for out in outputs:
        for line in out.splitlines():
            if line.startswith("Requests/sec:"):
                rps += float(line.split()[1])
            if "Non-2xx" in line or "Socket errors" in line:
                errors += 1
    return rps, cpu, errors


say("## Read throughput (wrk, 8 connections per node, readers over every post; cache 4 MB per node)")
say()
say("| nodes | req/s | colophon CPU | postgres CPU (primary + replica) | pgbouncer CPU | wrk CPU | error lines |")
say("|---:|---:|---:|---:|---:|---:|---:|")
for count in (1, 2, 3):
    rps, cpu, errors = readers(NODES[:count], DURATION)
    say(f"| {count} | {rps:,.0f} | {cpu['colophon']:.2f} | {cpu['postgres']:.2f} | {cpu['pgbouncer']:.2f} | "
        f"{cpu['wrk']:.2f} | {errors} |")
say()
say("CPU in cores (of the machine's 2) used on average during the run.")
say()

# 5: the replica stopped and restarted under reads and writes.
say("## The replica stopped and restarted under load")
say()
stop = threading.Event()
results = {"answers": 0, "errors": [], "stale": 0}
lock = threading.Lock()
acknowledged = [0]


def reader(port):
    while not stop.is_set():
        floor = acknowledged[0]
        try:
            seen = marker(title(port))
        except Exception as error:  # noqa: BLE001 - any failure is what this counts
            with lock:
                results["errors"].append(str(error)[:120])
            continue
        with lock:
            results["answers"] += 1
            # Acknowledged before this read began, and already heard by the node at some point:
            # a node may lag its notification by milliseconds, so only a read that began well
            # after the acknowledgement can be judged.
            if seen < floor - 1:
                results["stale"] += 1


threads = [threading.Thread(target=reader, args=(port,)) for port in (B, C) for _ in range(2)]
for thread in threads:
    thread.start()


def writes(first, last):
    for n in range(first, last):
        status, data = request(A, "PATCH", f"/api/v1/posts/{POST}", {"title": f"Edit {n}"}, token)
        assert status == 200, data
        acknowledged[0] = n
        time.sleep(0.05)


def pg_ctl(*args):
    command = [f"{PGBIN}/pg_ctl", "-D", f"{WORK}/replica", *args]
    if os.getuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


writes(100, 120)
pg_ctl("-m", "fast", "-w", "stop")
writes(120, 160)
pg_ctl("-l", f"{WORK}/replica.log", "-w", "-o", f"-p {os.environ['REPLICA']} {os.environ['PG_OPTIONS']}", "start")
writes(160, 220)
stop.set()
for thread in threads:
    thread.join()
say(f"- 4 readers on B and C while A wrote 120 edits and the replica was stopped (fast) for 40 of them, "
    f"then started: **{results['answers']} answers, {len(results['errors'])} errors, {results['stale']} stale** "
    f"(an answer older than a write acknowledged before the read began, allowing one write in flight)")
if results["errors"]:
    say(f"- errors: `{results['errors'][:3]}`")
status, metrics = request(B, "GET", "/metrics", token="cluster-metrics")
lines = [line for line in metrics.decode().splitlines()
         if line.startswith(("colophon_db_reads_total", "colophon_replica_fallbacks_total", "colophon_replica_in_rotation"))]
say("- node B's counters afterwards:")
say()
say("```")
for line in lines:
    say(line)
say("```")

with open(OUT, "w") as out:
    out.write("\n".join(report) + "\n")
