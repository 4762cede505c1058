// Serves this directory's files on their own origin (so the browser's calls to the API are real
// cross-origin requests). Usage: node serve.mjs [port]   (default 8090; 0 picks a free one)
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL(".", import.meta.url));
const FILES = new Set(["index.html", "style.css", "app.js"]);
const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8" };

/** Starts the server; resolves to it once it listens (its port: server.address().port). */
export function serve(port = 8090, host = "127.0.0.1") {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url, "http://localhost").pathname;
    const name = normalize(path === "/" ? "index.html" : path.slice(1));
    // Only the three files of the example: nothing else under this directory is served.
    if (!FILES.has(name) || (request.method !== "GET" && request.method !== "HEAD")) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    const body = await readFile(join(ROOT, name));
    response.writeHead(200, { "content-type": TYPES[extname(name)], "cache-control": "no-cache" });
    response.end(request.method === "HEAD" ? undefined : body);
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await serve(Number(process.argv[2] ?? 8090));
  const { port } = server.address();
  console.log(`seed page on http://127.0.0.1:${port}/?api=http://127.0.0.1:8080`);
}
