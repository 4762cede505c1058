-- wrk: POST the seed-page GraphQL query.
local f = io.open(os.getenv("QUERY_FILE"), "r")
local query = f:read("*a")
f:close()
query = query:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("\n", " ")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"query":"' .. query .. '","variables":{"slug":"' .. os.getenv("SLUG") .. '"}}'
