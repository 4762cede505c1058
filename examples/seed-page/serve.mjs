// Serves this directory's files on their own origin (so the browser's calls to the API are real
// cross-origin requests), with the API's address written into the page.
// Usage: node serve.mjs [port] [api]   (defaults 8090 and http://127.0.0.1:8080; port 0 picks one)
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL(".", import.meta.url));
const FILES = new Set(["index.html", "style.css", "app.js"]);
const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8" };

/** The API's origin, checked: it goes into an attribute of the page. */
function apiOrigin(api) {
  const url = new URL(api);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`not an http(s) URL: ${api}`);
  return url.origin;
}

/** Starts the server; resolves to it once it listens (its port: server.address().port). */
export function serve(port = 8090, host = "127.0.0.1", api = "http://127.0.0.1:8080") {
  const origin = apiOrigin(api);
  const server = createServer(async (request, response) => {
    let path;
    try {
      path = new URL(request.url, "http://localhost").pathname;
    } catch {
      response.writeHead(400, { "content-type": "text/plain" }).end("bad request\n");
      return;
    }
    const name = normalize(path === "/" ? "index.html" : path.slice(1));
    // Only the three files of the example: nothing else under this directory is served.
    if (!FILES.has(name) || (request.method !== "GET" && request.method !== "HEAD")) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    let body = await readFile(join(ROOT, name));
    if (name === "index.html") {
      body = body.toString("utf8").replace(/(<meta name="colophon-api" content=")[^"]*(")/, `$1${origin}$2`);
    }
    response.writeHead(200, { "content-type": TYPES[extname(name)], "cache-control": "no-cache" });
    response.end(request.method === "HEAD" ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const api = process.argv[3] ?? "http://127.0.0.1:8080";
  const wanted = Number(process.argv[2] ?? 8090);
  try {
    const server = await serve(wanted, "127.0.0.1", api);
    const { port } = server.address();
    console.log(`seed page on http://127.0.0.1:${port}/ reading ${apiOrigin(api)}`);
  } catch (error) {
    // One line a person can act on, not a stack trace.
    const why = error.code === "EADDRINUSE" ? `port ${wanted} is in use; pass another: node serve.mjs 8091` : error.message;
    console.error(`serve.mjs: ${why}`);
    process.exit(1);
  }
}
