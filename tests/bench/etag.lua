-- wrk script: revalidation. Every request carries If-None-Match with the ETag that
-- bench.sh fetched (BENCH_ETAG); anything but 304 is counted and reported as unexpected.
local etag = os.getenv("BENCH_ETAG") or error("BENCH_ETAG is not set")
wrk.headers["If-None-Match"] = etag

local threads = {}
function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    unexpected = 0
end

function response(status, headers, body)
    if status ~= 304 then
        unexpected = unexpected + 1
    end
end

function done(summary, latency, requests)
    local n = 0
    for _, t in ipairs(threads) do
        n = n + (t:get("unexpected") or 0)
    end
    io.write(string.format("bench: unexpected=%d\n", n))
end
