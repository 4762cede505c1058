"""Every feed Colophon serves: Atom and RSS read by feedparser (the parser most feed readers'
code is built on) with no bozo flag (malformed XML, a wrong content type) and entries with titles
and links; JSON Feed (which feedparser 6 does not read) against the requirements of JSON Feed 1.1
(version, title, items each with a string id and content_html or content_text). And the sitemap:
well-formed XML in the sitemaps.org namespace, every <loc> an absolute URL.
Usage: feed-check.py BASE_URL"""
import json
import sys
import urllib.request
import xml.etree.ElementTree as ET

import feedparser

base = sys.argv[1]
failures = []
for prefix in ("", "/tags/personal-branding", "/authors/steve-rubel"):
    for extension in ("atom", "rss", "json"):
        url = f"{base}{prefix}/feed.{extension}"
        with urllib.request.urlopen(url) as response:
            body = response.read()
            content_type = response.headers.get("content-type", "")
        if extension == "json":
            feed = json.loads(body)
            items = feed.get("items", [])
            problems = [
                f"version {feed.get('version')!r}" if feed.get("version") != "https://jsonfeed.org/version/1.1" else "",
                "no title" if not isinstance(feed.get("title"), str) else "",
                "no items" if not items else "",
                "an item without a string id" if not all(isinstance(i.get("id"), str) for i in items) else "",
                "an item without content" if not all("content_html" in i or "content_text" in i for i in items) else "",
                "an item url not absolute" if not all(i.get("url", "").startswith(("http://", "https://")) for i in items) else "",
                f"content type {content_type}" if not content_type.startswith("application/feed+json") else "",
            ]
            problems = [p for p in problems if p]
            if problems:
                failures.append(f"{url}: {', '.join(problems)}")
            else:
                print(f"ok {url}: json feed 1.1, {len(items)} items")
            continue
        feed = feedparser.parse(body, response_headers={"content-type": content_type})
        if feed.bozo:
            failures.append(f"{url}: {feed.bozo_exception!r}")
        elif not feed.entries or not all(e.get("title") and e.get("link") for e in feed.entries):
            failures.append(f"{url}: entries without titles or links ({len(feed.entries)} entries)")
        else:
            print(f"ok {url}: {feed.version}, {len(feed.entries)} entries")

with urllib.request.urlopen(f"{base}/sitemap.xml") as response:
    root = ET.fromstring(response.read())
namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
locs = [loc.text or "" for loc in root.iter(f"{namespace}loc")]
if root.tag not in (f"{namespace}urlset", f"{namespace}sitemapindex") or not locs:
    failures.append(f"sitemap: root {root.tag}, {len(locs)} addresses")
elif not all(loc.startswith(("http://", "https://")) for loc in locs):
    failures.append(f"sitemap: a relative address among {locs}")
else:
    print(f"ok {base}/sitemap.xml: {len(locs)} addresses")

if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
