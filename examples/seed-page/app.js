// The seed page rebuilt from Colophon's API: one GraphQL GET for the page, more GETs for older
// comments, one REST POST per comment. HTML the API serves (post body, author bio, comment bodies,
// HTML widgets) is already sanitized by the server and is used as given; every other value goes in
// as text (textContent), never as markup.

const DEMO_POST = "the-case-for-converging-your-personal-professional-networks";
const params = new URLSearchParams(location.search);
// Fixed where the page is deployed (the meta tag): the HTML the API serves goes into the page
// as HTML, so which API that is must never come from a link.
const API = (document.querySelector('meta[name="colophon-api"]')?.content || "http://127.0.0.1:8080").replace(/\/+$/, "");
const SLUG = params.get("post") || DEMO_POST;
// Top-level comments per page (their replies come with them); ?comments=N changes it.
const COMMENTS_PER_PAGE = Math.min(Math.max(Number(params.get("comments")) || 10, 1), 100);
// What the seed page lists under its form; the server's sanitizer keeps exactly these.
const ALLOWED_HTML =
  'Some HTML allowed: <a href="" title=""> <abbr title=""> <acronym title=""> <b> ' +
  '<blockquote cite=""> <code> <em> <i> <strike> <strong>';

const COMMENT_FIELDS = `id parentId authorName authorUrl isRegistered bodyHtml depth createdAt`;
const PAGE_QUERY = `query SeedPage($slug: String!, $first: Int!) {
  post(slug: $slug) {
    slug title publishedAt bodyHtml commentCount commentsEnabled
    featuredImage { url alt credit }
    author { name bio }
    tags { slug name }
    previous { slug title }
    next { slug title }
    sidebar { title widgets { kind html author { name bio }
      product { title url imageUrl edition contributorLabel contributors } } }
    comments(first: $first, order: THREAD) {
      pageInfo { hasNextPage endCursor } nodes { ${COMMENT_FIELDS} } }
  }
}`;
const MORE_COMMENTS_QUERY = `query MoreComments($slug: String!, $first: Int!, $after: String) {
  post(slug: $slug) {
    comments(first: $first, after: $after, order: THREAD) {
      pageInfo { hasNextPage endCursor } nodes { ${COMMENT_FIELDS} } }
  }
}`;

const $ = (id) => document.getElementById(id);
const dayFormat = new Intl.DateTimeFormat("en-US", {
  weekday: "long", month: "short", day: "numeric", year: "numeric", timeZone: "UTC",
});
const shortFormat = new Intl.DateTimeFormat("en-US", {
  month: "short", day: "numeric", year: "numeric", timeZone: "UTC",
});

/** A GraphQL query as a GET: a simple cross-origin request (no preflight) the API can cache. */
async function graphql(query, variables) {
  const url = `${API}/graphql?query=${encodeURIComponent(query)}` +
    `&variables=${encodeURIComponent(JSON.stringify(variables))}`;
  const response = await fetch(url, { headers: { accept: "application/graphql-response+json" } });
  const result = await response.json();
  if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join("; "));
  return result.data;
}

/** A new element with text content (never markup) and optional attributes. */
function el(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/** Only http(s) addresses become links; anything else (javascript:, data:) stays text. */
function safeHref(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

function postLink(link, label) {
  const href = `?${new URLSearchParams({ ...Object.fromEntries(params), post: link.slug })}`;
  const a = el("a", null, { href });
  a.textContent = label(link.title);
  return a;
}

function renderPost(post) {
  document.title = post.title;
  $("post-title").textContent = post.title;
  const date = $("post-date");
  if (post.publishedAt) {
    date.textContent = dayFormat.format(new Date(post.publishedAt));
    date.dateTime = post.publishedAt;
  }
  $("post-author").textContent = post.author.name;
  const image = post.featuredImage;
  if (image && (image.url || image.credit)) {
    $("post-image").hidden = false;
    const img = $("post-image-img");
    const src = image.url && safeHref(image.url);
    if (src) {
      img.src = src;
      img.alt = image.alt || "";
    } else {
      img.remove();
    }
    $("post-image-credit").textContent = image.credit || "";
  }
  $("post-body").innerHTML = post.bodyHtml; // sanitized by the server
  const tags = $("post-tags");
  if (post.tags.length) tags.append(el("span", "Tags: "));
  post.tags.forEach((tag, i) => {
    if (i) tags.append(", ");
    tags.append(el("a", tag.name, { href: `${API}/tags/${encodeURIComponent(tag.slug)}/feed.atom`, rel: "tag" }));
  });
  if (post.previous) $("post-previous").replaceWith(postLink(post.previous, (t) => `« ${t}`));
  if (post.next) $("post-next").replaceWith(postLink(post.next, (t) => `${t} »`));
  $("author-bio-name").textContent = post.author.name;
  $("author-bio-text").innerHTML = post.author.bio; // sanitized by the server
  $("post").hidden = false;
}

function renderSidebar(sidebar) {
  if (!sidebar) return;
  $("sidebar-title").textContent = sidebar.title;
  const list = $("sidebar-widgets");
  for (const widget of sidebar.widgets) {
    const item = el("li", null, { class: `widget widget-${widget.kind.toLowerCase()}` });
    if (widget.product) {
      const p = widget.product;
      const href = p.url && safeHref(p.url);
      const title = href ? el("a", p.title, { href, rel: "nofollow" }) : el("span", p.title);
      title.classList.add("product-title");
      if (p.imageUrl && safeHref(p.imageUrl)) item.append(el("img", null, { src: safeHref(p.imageUrl), alt: p.title }));
      item.append(title);
      if (p.contributors.length) {
        item.append(el("p", `${p.contributorLabel || "by"} ${p.contributors.join(", ")}`, { class: "contributors" }));
      }
    } else if (widget.author) {
      item.append(el("h3", widget.author.name));
      const bio = el("div");
      bio.innerHTML = widget.author.bio; // sanitized by the server
      item.append(bio);
    } else if (widget.html != null) {
      item.innerHTML = widget.html; // sanitized by the server
    }
    list.append(item);
  }
  $("sidebar").hidden = false;
}

function renderComment(comment) {
  const item = el("li", null, { class: "comment", id: `comment-${comment.id}`, "data-depth": String(Math.min(comment.depth, 5)) });
  const body = el("div", null, { class: "comment-body" });
  body.innerHTML = comment.bodyHtml; // sanitized by the server
  const meta = el("p", null, { class: "comment-meta" });
  meta.append(el("time", shortFormat.format(new Date(comment.createdAt)), { datetime: comment.createdAt }), " | ");
  meta.append(el("span", comment.isRegistered ? "Registered Commenter " : "Unregistered Commenter ", { class: comment.isRegistered ? "commenter-kind" : "commenter-kind unregistered" }));
  const href = comment.authorUrl && safeHref(comment.authorUrl);
  meta.append(href ? el("a", comment.authorName, { href, rel: "nofollow ugc" }) : el("span", comment.authorName));
  item.append(body, meta);
  return item;
}

let nextCursor = null;
function renderComments(post, connection) {
  $("comments-title").textContent = `Reader Comments (${post.commentCount})`;
  appendComments(connection);
  $("comments").hidden = false;
}

function appendComments(connection) {
  $("comment-list").append(...connection.nodes.map(renderComment));
  nextCursor = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
  $("more-comments").hidden = nextCursor == null;
}

async function loadMoreComments() {
  const button = $("more-comments");
  button.disabled = true;
  try {
    const data = await graphql(MORE_COMMENTS_QUERY, { slug: SLUG, first: COMMENTS_PER_PAGE, after: nextCursor });
    appendComments(data.post.comments);
  } catch (error) {
    showStatus(`Could not load more comments: ${error.message}`);
  } finally {
    button.disabled = false;
  }
}

function showStatus(text) {
  const status = $("status");
  status.textContent = text;
  status.hidden = !text;
}

// The comment form ------------------------------------------------------------------------------

let formToken = null;
async function fetchFormToken() {
  const response = await fetch(`${API}/api/v1/posts/${encodeURIComponent(SLUG)}/comment-token`);
  formToken = response.ok ? (await response.json()).token : null;
}

function clearFormErrors(form) {
  for (const p of form.querySelectorAll(".field-error")) {
    p.hidden = true;
    p.textContent = "";
  }
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  formMessage(null);
}

function formMessage(text, kind = "error") {
  const message = $("form-message");
  message.textContent = text || "";
  message.className = `form-message ${kind}`;
  message.hidden = !text;
}

function fieldError(form, field, text) {
  const slot = form.querySelector(`.field-error[data-field="${CSS.escape(field)}"]`);
  if (!slot) return false;
  slot.textContent = text;
  slot.hidden = false;
  form.elements[field]?.setAttribute("aria-invalid", "true");
  return true;
}

/** A REST comment in the GraphQL shape renderComment reads. */
function fromRest(c) {
  return {
    id: c.id, depth: c.depth, bodyHtml: c.body_html, createdAt: c.created_at,
    authorName: c.author_name, authorUrl: c.author_url, isRegistered: c.is_registered,
  };
}

/** The wait a 429 names: Retry-After in seconds (exposed by the API's CORS settings). */
function retryAfter(response) {
  const seconds = Number(response.headers.get("retry-after"));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

async function submitComment(event) {
  event.preventDefault();
  const form = event.currentTarget;
  clearFormErrors(form);
  const value = (name) => form.elements[name].value.trim() || null;
  const payload = {
    author_name: value("author_name"),
    author_email: value("author_email"),
    author_url: value("author_url"),
    body: form.elements.body.value,
    website: form.elements.website.value || null, // the honeypot: people leave it empty
    form_token: formToken,
  };
  const button = $("submit-comment");
  button.disabled = true;
  try {
    const response = await fetch(`${API}/api/v1/posts/${encodeURIComponent(SLUG)}/comments`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(payload),
    });
    const answer = await response.json().catch(() => ({}));
    if (response.status === 201) {
      form.elements.body.value = "";
      if (answer.status === "approved") {
        $("comment-list").append(renderComment(fromRest(answer)));
        formMessage("Thank you: your comment is published.", "notice");
      } else {
        formMessage("Thank you: your comment is awaiting moderation.", "notice");
      }
    } else if (response.status === 422 && Array.isArray(answer.errors)) {
      const unplaced = answer.errors.filter((e) => !fieldError(form, e.field, e.message));
      formMessage(unplaced.length ? unplaced.map((e) => e.message).join("; ") : "Please correct the fields marked below.");
    } else if (response.status === 429) {
      const wait = retryAfter(response);
      formMessage(`${answer.detail || "Too many comments."}${wait ? ` Try again in ${wait} seconds.` : ""}`);
    } else {
      formMessage(answer.detail || `The comment was not posted (${response.status}).`);
    }
  } catch (error) {
    formMessage(`The comment was not posted: ${error.message}`);
  } finally {
    button.disabled = false;
  }
}

async function main() {
  $("allowed-tags").textContent = ALLOWED_HTML;
  $("more-comments").addEventListener("click", loadMoreComments);
  $("comment-form").addEventListener("submit", submitComment);
  let data;
  try {
    data = await graphql(PAGE_QUERY, { slug: SLUG, first: COMMENTS_PER_PAGE });
  } catch (error) {
    showStatus(`Could not load the post: ${error.message}`);
    return;
  }
  if (!data.post) {
    showStatus("No such post.");
    return;
  }
  renderPost(data.post);
  renderSidebar(data.post.sidebar);
  renderComments(data.post, data.post.comments);
  if (data.post.commentsEnabled) {
    await fetchFormToken();
    $("comment-form-section").hidden = false;
  }
  showStatus("");
  document.body.dataset.ready = "true";
}

main();
