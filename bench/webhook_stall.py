"""One webhook receiver that never answers beside a healthy one: how long the healthy one waits
for each event. Usage: webhook_stall.py API_BASE ADMIN_TOKEN [EVENTS]. Prints a Markdown line."""
import json
import socket
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

api, token = sys.argv[1], sys.argv[2]
events = int(sys.argv[3]) if len(sys.argv) > 3 else 40
arrived = {}


class Healthy(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        title = json.loads(body)["data"]["title"]
        arrived[title] = time.monotonic()
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def stalled(listener):
    held = []
    while True:
        connection, _ = listener.accept()
        held.append(connection)  # read nothing, answer nothing, keep it open


healthy = ThreadingHTTPServer(("127.0.0.1", 0), Healthy)
threading.Thread(target=healthy.serve_forever, daemon=True).start()
stall = socket.socket()
stall.bind(("127.0.0.1", 0))
stall.listen(128)
threading.Thread(target=stalled, args=(stall,), daemon=True).start()


def call(method, path, body):
    request = urllib.request.Request(api + path, method=method, data=json.dumps(body).encode(),
                                     headers={"authorization": f"Bearer {token}", "content-type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


for port in (stall.getsockname()[1], healthy.server_address[1]):
    call("POST", "/webhooks", {"url": f"http://127.0.0.1:{port}/hook", "events": ["product.created"]})
sent = {}
for n in range(events):
    title = f"Stall bench {n}"
    sent[title] = time.monotonic()
    call("POST", "/products", {"title": title})
    time.sleep(0.1)
deadline = time.monotonic() + 15
while len(arrived) < events and time.monotonic() < deadline:
    time.sleep(0.05)
waits = sorted((arrived[t] - sent[t]) * 1000 for t in sent if t in arrived)
if len(waits) < events:
    print(f"only {len(waits)} of {events} events reached the healthy receiver", file=sys.stderr)
    sys.exit(1)
p50, p99 = waits[len(waits) // 2], waits[min(len(waits) - 1, int(len(waits) * 0.99))]
print(f"{events} events, one every 100 ms, beside a receiver that never answers (10 s time-out): "
      f"the healthy receiver got each after p50 {p50:.0f} ms, p99 {p99:.0f} ms, max {waits[-1]:.0f} ms.")
