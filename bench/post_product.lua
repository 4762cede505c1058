-- POST a product as the signed-in admin (TOKEN from the environment): one write per request.
wrk.method = "POST"
wrk.body = '{"title":"Bench rug"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
