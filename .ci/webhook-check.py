"""Colophon's webhook signatures, checked by the Standard Webhooks reference library.

Signs in as the demo admin, subscribes a local receiver, makes two writes, and verifies every
delivery with `standardwebhooks.Webhook(secret).verify`; a tampered body must fail. Usage:
webhook-check.py BASE_URL ADMIN_PASSWORD
"""

import http.server
import json
import sys
import threading
import time
import urllib.request

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

BASE, PASSWORD = sys.argv[1], sys.argv[2]
received = []


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        received.append((dict(self.headers), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def call(method, path, body=None, token=None):
    request = urllib.request.Request(BASE + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as answer:
        return json.loads(answer.read() or b"null")


server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()
token = call("POST", "/api/v1/auth/login", {"email": "admin@colophon.test", "password": PASSWORD})["access_token"]
hook = call("POST", "/api/v1/webhooks", {"url": f"http://127.0.0.1:{server.server_port}/hook"}, token)
call("POST", "/api/v1/products", {"title": "Signed rug"}, token)
call("POST", "/api/v1/posts", {"title": "Signed post", "status": "published"}, token)
deadline = time.time() + 15
while len(received) < 2 and time.time() < deadline:
    time.sleep(0.05)
if len(received) < 2:
    sys.exit(f"FATAL: {len(received)} of 2 deliveries arrived")
verifier = Webhook(hook["secret"])
for headers, body in received:
    headers = {k.lower(): v for k, v in headers.items()}
    event = verifier.verify(body, headers)
    print(f"   verified {headers['webhook-id']}: {event['type']}")
    try:
        verifier.verify(body.replace(b"Signed", b"Forged"), headers)
        sys.exit("FATAL: a tampered body verified")
    except WebhookVerificationError:
        pass
print("   every delivery verified by standardwebhooks; tampered bodies refused")
