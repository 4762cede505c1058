// serve.mjs as a person runs it: a port that is taken is one line saying what to do, not a stack
// trace. Run: node --test test/
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const SERVE = fileURLToPath(new URL("../serve.mjs", import.meta.url));

test("a busy port is one line saying what to do", async () => {
  const taken = createServer();
  await new Promise((resolve) => taken.listen(0, "127.0.0.1", resolve));
  const { port } = taken.address();
  try {
    const run = await new Promise((resolve) => {
      // Run off the event loop that holds the port: spawnSync would block it.
      setImmediate(() => resolve(spawnSync(process.execPath, [SERVE, String(port)], { encoding: "utf8", timeout: 10000 })));
    });
    assert.equal(run.status, 1, run.stderr);
    const lines = run.stderr.trim().split("\n");
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], new RegExp(`port ${port} is in use`));
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
  } finally {
    taken.close();
  }
});
