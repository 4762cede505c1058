-- POST a published post with a Markdown body of about 1.5 KB as the signed-in admin (TOKEN from
-- the environment): a content write as editors make them (rendered, sanitized, excerpted, slugged),
-- one per request, each with a title of its own.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

local paragraph = "The Dude *abides*. It really tied the room together, and **that rug** was a gift. "
  .. "See [the original](https://example.com/lebowski) for more, or read on below. "
local body = ("## A heading\\n\\n" .. paragraph .. "\\n\\n"):rep(5) .. "- one\\n- two\\n- three\\n"
local counter = 0
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
end

function request()
  counter = counter + 1
  local title = string.format("Bench post %d %d %d", id or 0, counter, math.random(1, 1e9))
  return wrk.format(nil, nil, nil, string.format(
    '{"title":"%s","body_markdown":"%s","status":"published","tags":["Bowling","Rugs"]}', title, body))
end
