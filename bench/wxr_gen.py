#!/usr/bin/env python3
"""Writes a synthetic WXR export to stdout: N posts by 5 authors, each with paragraphs of made-up
words, two tags of 50, and C comments (every third a reply), statuses mixed as a real blog's.
Usage: bench/wxr_gen.py POSTS [COMMENTS_PER_POST]"""
import random
import sys

posts = int(sys.argv[1])
per_post = int(sys.argv[2]) if len(sys.argv) > 2 else 3
rng = random.Random(20261204)
syllables = [c + v for c in "bcdfghjklmnprstvz" for v in "aeiou"]
words = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))) for _ in range(5000)]
out = sys.stdout
w = out.write


def text(n):
    return " ".join(rng.choice(words) for _ in range(n))


w('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
  'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
  'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
  'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
  '<title>Synthetic</title><link>https://synthetic.example</link>\n'
  '<wp:base_blog_url>https://synthetic.example</wp:base_blog_url>\n')
for a in range(1, 6):
    w(f"<wp:author><wp:author_id>{a}</wp:author_id><wp:author_login><![CDATA[writer{a}]]></wp:author_login>"
      f"<wp:author_email>writer{a}@synthetic.example</wp:author_email>"
      f"<wp:author_display_name><![CDATA[Writer {a}]]></wp:author_display_name></wp:author>\n")
comment_id = 0
for p in range(1, posts + 1):
    day = f"20{10 + p * 15 // posts:02d}-{1 + p % 12:02d}-{1 + p % 28:02d} {p % 24:02d}:{p % 60:02d}:00"
    title = text(rng.randint(3, 8)).capitalize()
    body = "\n\n".join(text(rng.randint(20, 60)) + "." for _ in range(rng.randint(2, 5)))
    status = "publish" if p % 20 else "draft"
    w(f"<item><title><![CDATA[{title}]]></title><link>https://synthetic.example/?p={p}</link>"
      f"<dc:creator><![CDATA[writer{1 + p % 5}]]></dc:creator>"
      f"<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>"
      f"<wp:post_id>{p}</wp:post_id><wp:post_date_gmt>{day}</wp:post_date_gmt>"
      f"<wp:post_name>post-{p}</wp:post_name><wp:status>{status}</wp:status><wp:post_type>post</wp:post_type>"
      f'<category domain="post_tag" nicename="tag-{p % 50}"><![CDATA[Tag {p % 50}]]></category>'
      f'<category domain="category" nicename="topic-{p % 7}"><![CDATA[Topic {p % 7}]]></category>\n')
    first = comment_id + 1
    for c in range(per_post):
        comment_id += 1
        parent = first if c % 3 == 2 else 0
        approved = "1" if c % 5 else "0"
        w(f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
          f"<wp:comment_author><![CDATA[Reader {comment_id % 997}]]></wp:comment_author>"
          f"<wp:comment_author_email>reader{comment_id % 997}@example.com</wp:comment_author_email>"
          f"<wp:comment_author_IP>192.0.2.{comment_id % 250}</wp:comment_author_IP>"
          f"<wp:comment_date_gmt>{day}</wp:comment_date_gmt>"
          f"<wp:comment_content><![CDATA[{text(rng.randint(8, 40))}]]></wp:comment_content>"
          f"<wp:comment_approved>{approved}</wp:comment_approved><wp:comment_parent>{parent}</wp:comment_parent>"
          f"</wp:comment>\n")
    w("</item>\n")
w("</channel>\n</rss>\n")
