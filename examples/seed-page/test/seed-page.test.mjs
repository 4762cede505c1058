// The seed page in Debian's Chromium against a real Colophon server (`serve --demo` on SQLite, a
// fresh data directory) on another origin: what it shows, the comment form end to end, hostile
// markup, field errors and the rate limit. Run: node --test test/  (see ../README.md)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../serve.mjs";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const REPO = resolve(HERE, "../../..");
const BIN = process.env.COLOPHON_BIN || join(REPO, "target/debug/colophon");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const SCREENSHOT = process.env.SEED_PAGE_SCREENSHOT || join(REPO, "target/seed-page.png");
const COMMENTS_PER_MINUTE = 4;
const MIN_SECONDS = 1;

let api, site, browser, server, adminToken;
const pageErrors = [];
const dialogs = [];

/** Starts `colophon serve --demo` on a free port; resolves once it is ready, with its password. */
async function startApi(siteOrigin, port) {
  const dataDir = mkdtempSync(join(tmpdir(), "colophon-seed-page-"));
  const child = spawn(BIN, ["serve", "--demo", "--bind", `127.0.0.1:${port}`], {
    env: {
      ...process.env,
      DATABASE_URL: "",
      RUST_LOG: "warn",
      COLOPHON_DATA_DIR: dataDir,
      COLOPHON_CORS_ORIGINS: siteOrigin,
      COLOPHON_CORS_ALLOW_WRITES: "on",
      COLOPHON_COMMENTS_PER_MINUTE: String(COMMENTS_PER_MINUTE),
      COLOPHON_COMMENT_MIN_SECONDS: String(MIN_SECONDS),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode != null) throw new Error(`colophon exited with ${child.exitCode}`);
    const ready = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
    if (ready && /password:\s*\S+/.test(stdout)) {
      return { child, base, password: stdout.match(/password:\s*(\S+)/)[1] };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("colophon did not become ready");
}

async function apiJson(path, { method = "GET", body } = {}) {
  const response = await fetch(`${api.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

/** The comments an editor sees with a status, newest first. */
async function commentsWithStatus(status) {
  return (await apiJson(`/api/v1/comments?status=${status}&limit=100`)).data;
}

async function approve(body) {
  const pending = (await commentsWithStatus("pending")).find((c) => c.body_source === body);
  assert.ok(pending, `a pending comment with body ${JSON.stringify(body)}`);
  await apiJson(`/api/v1/comments/${pending.id}`, { method: "PATCH", body: { status: "approved" } });
  return pending;
}

/** A new page on the seed page, with every uncaught error and dialog recorded. */
async function openSeedPage(query = "") {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    // Chromium logs every 4xx answer as "Failed to load resource"; the tests provoke those on
    // purpose. Anything else logged as an error (a CORS refusal, an exception) counts.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      pageErrors.push(message.text());
    }
  });
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss();
  });
  // Hermetic: nothing but the two local origins is fetched.
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    return url.hostname === "127.0.0.1" ? route.continue() : route.abort();
  });
  await page.goto(`${site}/${query}`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 15000 });
  return page;
}

/** Clicks "More comments" until every page of them is shown. */
async function showAllComments(page) {
  while (await page.isVisible("#more-comments")) {
    const before = await page.locator(".comment").count();
    await page.click("#more-comments");
    await page.waitForFunction((n) => document.querySelectorAll(".comment").length > n, before);
  }
}

/** Fills and sends the form, past the form token's minimum age, and waits for its message. */
async function submit(page, fields) {
  await page.waitForTimeout(MIN_SECONDS * 1000 + 200);
  for (const [name, value] of Object.entries(fields)) await page.fill(`#${name}`, value);
  await page.click("#submit-comment");
  await page.waitForSelector("#form-message:not([hidden])");
  return page.textContent("#form-message");
}

before(async () => {
  const apiPort = 20000 + Math.floor(Math.random() * 20000);
  server = await serve(0, "127.0.0.1", `http://127.0.0.1:${apiPort}`);
  site = `http://127.0.0.1:${server.address().port}`;
  api = await startApi(site, apiPort);
  const login = await fetch(`${api.base}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "admin@colophon.test", password: api.password }),
  });
  adminToken = (await login.json()).access_token;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
  });
});

after(async () => {
  await browser?.close();
  api?.child.kill();
  server?.close();
});

test("the page shows every element of the seed post", async () => {
  const page = await openSeedPage("?comments=3");
  const text = (selector) => page.textContent(selector);
  assert.equal(await text("#post-title"), "The Case for Converging Your Personal/Professional Networks");
  assert.equal(await text("#post-date"), "Thursday, Apr 29, 2010");
  assert.equal(await text("#post-author"), "Steve Rubel");
  assert.equal(await text("#post-image-credit"), "Image via Snorgtees");
  assert.match(await text("#post-body"), /Do you "cross the streams\?"/);
  assert.match(await text("#post-body"), /Professional, Personal Social Circles Converge/);
  assert.equal(await text("#post-tags"), "Tags: Social Networking, Personal Branding");
  assert.equal(await text(".neighbours a:first-child"), "« Thoughts on Media Reforestation and Algorithmic Journalism");
  assert.equal(await text(".neighbours a:last-child"), "The Apple 4G iPhone Prototype is Probably a Head Fake »");
  assert.equal(await text("#author-bio-name"), "Steve Rubel");
  assert.match(await text("#author-bio-text"), /Jeff Lebowski is \.\.\. the Dude/);

  const sidebar = await text("#sidebar");
  assert.match(sidebar, /The Big Lebowski \(Limited Edition\) \[Blu-ray Book \+ Digital Copy\]/);
  assert.match(sidebar, /starring Jeff Bridges, John Goodman\b/);
  assert.match(sidebar, /starring Jeff Bridges, John Goodman, Julianne Moore, Steve Buscemi, David Huddleston/);
  assert.match(sidebar, /Powered by Squarespace/);
  assert.equal(await page.locator(".widget-product").count(), 3);

  // The comments, three threads a page: page through them all.
  assert.equal(await text("#comments-title"), "Reader Comments (10)");
  assert.equal(await page.locator(".comment").count(), 3);
  await showAllComments(page);
  assert.equal(await page.locator(".comment").count(), 10);
  const first = page.locator(".comment").first();
  assert.match(await first.textContent(), /Work\/life separation is dead/);
  assert.match(await first.locator(".comment-meta").textContent(), /^May 4, 2010 \| Unregistered Commenter Josh Moore$/);
  const reply = page.locator(".comment", { hasText: "I know. I am behind!" });
  assert.equal(await reply.getAttribute("data-depth"), "1", "the author's reply is nested under seekgeek's comment");
  assert.match(await reply.locator(".comment-meta").textContent(), /Steve Rubel$/);

  // The form: name, optional e-mail and URL, the body, the allowed tags as the page lists them.
  for (const field of ["#author_name", "#author_email", "#author_url", "#body", "#submit-comment"]) {
    assert.ok(await page.isVisible(field), `${field} is shown`);
  }
  const trap = await page.locator("#website").boundingBox();
  assert.ok(trap.x + trap.width <= 0, "the honeypot is off the screen, hidden from people");
  assert.equal(await text("#allowed-tags"),
    'Some HTML allowed: <a href="" title=""> <abbr title=""> <acronym title=""> <b> <blockquote cite=""> <code> <em> <i> <strike> <strong>');

  mkdirSync(resolve(SCREENSHOT, ".."), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  await page.close();
});

test("a comment sent through the form appears once an editor approves it", async () => {
  const page = await openSeedPage();
  const body = "Shomer shabbos, Dude: <b>trust</b> grows.";
  const message = await submit(page, {
    author_name: "Walter Sobchak", author_email: "walter@example.com", author_url: "https://example.com/walter", body,
  });
  assert.match(message, /awaiting moderation/);
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.locator(".comment", { hasText: "Shomer shabbos" }).count(), 0, "pending: not shown");

  await approve(body); // found among the pending ones: the token and the empty honeypot passed it as a person's
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.textContent("#comments-title"), "Reader Comments (11)");
  await showAllComments(page);
  const shown = page.locator(".comment", { hasText: "Shomer shabbos" });
  assert.equal(await shown.locator("b").textContent(), "trust");
  const author = shown.locator(".comment-meta a");
  assert.equal(await author.textContent(), "Walter Sobchak");
  assert.equal(await author.getAttribute("href"), "https://example.com/walter");
  assert.doesNotMatch(await page.content(), /walter@example\.com/, "the e-mail is never shown");
  await page.close();
});

test("a filled honeypot is taken for a bot: the same answer, stored as spam", async () => {
  const page = await openSeedPage();
  await page.evaluate(() => (document.getElementById("website").value = "http://spam.example"));
  const message = await submit(page, { author_name: "Bot", body: "Buy cheap rugs that really tie the room together" });
  assert.match(message, /awaiting moderation/);
  const spam = await commentsWithStatus("spam");
  assert.ok(spam.some((c) => c.body_source.startsWith("Buy cheap rugs")));
  await page.close();
});

test("hostile markup shows as harmless text and never runs", async () => {
  const page = await openSeedPage();
  const name = `<img src=x onerror="alert('name')">`;
  const body = `Zzyzx <script>alert('script')</script><img src=x onerror="alert('img')"> <i>post</i> ` +
    `<a href="javascript:alert('link')" onclick="alert('click')">click</a>`;
  await submit(page, { author_name: name, body });
  await approve(body);
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  await showAllComments(page);
  const shown = page.locator(".comment", { hasText: "Zzyzx" });
  assert.equal(await shown.locator(".comment-meta span:last-child").textContent(), name, "the name is text");
  assert.equal(await shown.locator("script, img, [onerror], [onclick]").count(), 0);
  assert.equal(await shown.locator("i").textContent(), "post");
  const link = shown.locator(".comment-body a");
  if (await link.count()) assert.doesNotMatch((await link.getAttribute("href")) ?? "", /javascript:/i);
  await link.first().click().catch(() => {});
  await page.waitForTimeout(300);
  assert.deepEqual(dialogs, [], "no dialog ever opened");
  await page.close();
});

test("the API's field errors are shown beside their fields", async () => {
  const page = await openSeedPage();
  const message = await submit(page, {
    author_name: "The Stranger", author_email: "not an address", author_url: "ftp://example.com", body: "Sarsaparilla",
  });
  assert.match(message, /correct the fields/);
  const error = (field) => page.textContent(`.field-error[data-field=${field}]`);
  assert.ok((await error("author_email")).length > 0);
  assert.ok((await error("author_url")).length > 0);
  assert.equal(await page.getAttribute("#author_email", "aria-invalid"), "true");
  assert.equal(await page.isVisible(".field-error[data-field=body]"), false);
  await page.close();
});

test("the rate limit's answer is shown with its wait", async () => {
  const page = await openSeedPage();
  let message = "";
  for (let i = 0; i <= COMMENTS_PER_MINUTE && !/Try again/.test(message); i++) {
    message = await submit(page, { author_name: "Donny", body: `Am I wrong? (${i})` });
  }
  assert.match(message, /Try again in \d+ seconds\./);
  await page.close();
});

test("the API comes from where the page is deployed, never from a link", async () => {
  const page = await browser.newPage();
  const asked = [];
  page.on("request", (request) => asked.push(new URL(request.url()).host));
  await page.route("**/*", (route) =>
    new URL(route.request().url()).hostname === "127.0.0.1" ? route.continue() : route.abort());
  await page.goto(`${site}/?api=${encodeURIComponent("https://evil.example")}`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 15000 });
  assert.ok(!asked.includes("evil.example"), `requests went to: ${asked}`);
  await page.close();
});

test("no JavaScript error on any page", () => {
  assert.deepEqual(pageErrors, []);
});
