"""Writes while readers read: comments held for moderation from many addresses at RATE a second,
and one published post's title edited every second (as an editor). Runs for SECONDS; prints what
it did. Usage: writers.py BASE_URL RATE SECONDS TOKEN POSTS"""
import http.client, json, random, sys, time, urllib.parse

base, rate, seconds, token, posts = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], int(sys.argv[5])
url = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
random.seed(7)
counts = {"comments": 0, "edits": 0, "errors": 0, "error_statuses": {}}


def send(method, path, body, headers):
    global conn
    try:
        conn.request(method, path, json.dumps(body), {"content-type": "application/json", **headers})
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        return 0


def tally(what, expected, status):
    if status == expected:
        counts[what] += 1
    else:
        counts["errors"] += 1
        counts["error_statuses"][str(status)] = counts["error_statuses"].get(str(status), 0) + 1


def published():
    n = random.randint(1, posts)
    return n if n % 25 else n - 1   # every 25th synthetic post is a draft


start = time.monotonic()
next_comment = start
next_edit = start
n = 0
while time.monotonic() - start < seconds:
    now = time.monotonic()
    if rate > 0 and now >= next_comment:
        n += 1
        address = f"10.{random.randint(0, 250)}.{random.randint(0, 250)}.{random.randint(1, 250)}"
        status = send("POST", f"/api/v1/posts/synthetic-post-{published()}/comments",
                      {"author_name": f"Reader {n}", "body": f"Held for moderation, number {n} ({random.random()})"},
                      {"x-forwarded-for": address})
        tally("comments", 201, status)
        next_comment += 1 / rate
    if now >= next_edit:
        status = send("PATCH", f"/api/v1/posts/synthetic-post-{published()}",
                      {"title": f"Edited at {now:.3f}"}, {"authorization": f"Bearer {token}"})
        tally("edits", 200, status)
        next_edit += 1
    time.sleep(max(0.0, min(next_comment if rate > 0 else next_edit, next_edit) - time.monotonic()))
print(json.dumps(counts))
