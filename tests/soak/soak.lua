-- wrk script for `make soak` (scripts/soak.sh): ~90 % anonymous reads, ~10 % authenticated
-- writes (tests/bench/kpbench.lua: POST a news item / PATCH an owned one, alternately,
-- logging in again before the token runs out), chosen at random per request from a
-- deterministic stream per thread.
--
-- Reads: list, get by slug, filter, search (news and centres), near, nearest centres of a
-- municipality, the news list, and conditional GETs of SOAK_ETAG_PATH with SOAK_ETAG
-- (If-None-Match; 304 while the centres have not changed, which news writes do not do).
--
-- wrk counts 4xx and 5xx together ("Non-2xx or 3xx responses"), so response() counts
-- status classes per thread and done() prints one line that soak.sh parses:
--   soak: 2xx=N 3xx=N 304=N 4xx=N 5xx=N writes=N connect=N read=N write=N timeout=N
local kp = require("kpbench")
local centres = tonumber(os.getenv("BENCH_CENTRES") or "2000")
local etag = os.getenv("SOAK_ETAG") or error("SOAK_ETAG is not set")
local etag_path = os.getenv("SOAK_ETAG_PATH") or error("SOAK_ETAG_PATH is not set")

local regions = {"sor-ost", "vest", "midt", "nord"}
local tags = {"recovery", "livsmestring", "kurs", "rus", "parorende", "brukerstyring"}
local words = {"friluftsliv", "konferanse Bodø", "recovery Tromsø", "pårørende Bergen",
               "kurs Hamar", "mestring"}
local points = {"63.43,10.39", "59.91,10.75", "60.39,5.32", "69.65,18.96", "58.97,5.73",
                "58.15,8.00", "62.47,6.15", "67.28,14.40"}
local municipalities = {"5001", "0301", "4601", "5501", "1103", "4204", "3403", "1804"}
local sorts = {"name", "-updated_at", "-name", "created_at"}

local function pick(list)
    return list[math.random(1, #list)]
end

local function escape(s)
    return (string.gsub(s, "[^%w%-%._~]", function(c)
        return string.format("%%%02X", string.byte(c))
    end))
end

local threads = {}
local next_id = 0
function setup(thread)
    next_id = next_id + 1
    thread:set("tid", next_id)
    table.insert(threads, thread)
end

function init(args)
    math.randomseed(31000 + (tid or 0))
    kp.init(tid)
    n2xx, n3xx, n304, n4xx, n5xx, nwrites = 0, 0, 0, 0, 0, 0
end

function request()
    local r = math.random()
    if r < 0.10 then
        nwrites = nwrites + 1
        return kp.request()
    elseif r < 0.25 then
        return wrk.format("GET", "/v1/centres?limit=20&sort=" .. pick(sorts))
    elseif r < 0.45 then
        return wrk.format("GET", "/v1/centres/bench-centre-" .. math.random(1, centres))
    elseif r < 0.53 then
        return wrk.format("GET", "/v1/centres?region=" .. pick(regions) .. "&tag=" .. pick(tags))
    elseif r < 0.58 then
        return wrk.format("GET", "/v1/news?q=" .. escape(pick(words)))
    elseif r < 0.62 then
        return wrk.format("GET", "/v1/centres?q=" .. escape(pick(words)))
    elseif r < 0.70 then
        return wrk.format("GET", "/v1/centres?near=" .. pick(points) .. "&radius_km=50")
    elseif r < 0.75 then
        return wrk.format("GET", "/v1/municipalities/" .. pick(municipalities) .. "/nearest-centres")
    elseif r < 0.85 then
        return wrk.format("GET", etag_path, {["If-None-Match"] = etag})
    else
        return wrk.format("GET", "/v1/news?limit=20")
    end
end

function response(status, headers, body)
    if status >= 500 then
        n5xx = n5xx + 1
    elseif status >= 400 then
        n4xx = n4xx + 1
    elseif status >= 300 then
        n3xx = n3xx + 1
        if status == 304 then n304 = n304 + 1 end
    else
        n2xx = n2xx + 1
    end
    if kp.needs_relogin then
        kp.response(status, headers, body)
    end
end

function done(summary, latency, requests)
    local t = {["2xx"] = 0, ["3xx"] = 0, ["304"] = 0, ["4xx"] = 0, ["5xx"] = 0, writes = 0}
    for _, th in ipairs(threads) do
        t["2xx"] = t["2xx"] + (th:get("n2xx") or 0)
        t["3xx"] = t["3xx"] + (th:get("n3xx") or 0)
        t["304"] = t["304"] + (th:get("n304") or 0)
        t["4xx"] = t["4xx"] + (th:get("n4xx") or 0)
        t["5xx"] = t["5xx"] + (th:get("n5xx") or 0)
        t.writes = t.writes + (th:get("nwrites") or 0)
    end
    local e = summary.errors
    io.write(string.format(
        "soak: 2xx=%d 3xx=%d 304=%d 4xx=%d 5xx=%d writes=%d connect=%d read=%d write=%d timeout=%d\n",
        t["2xx"], t["3xx"], t["304"], t["4xx"], t["5xx"], t.writes,
        e.connect, e.read, e.write, e.timeout))
end
