-- wrk script: 95 % anonymous reads / 5 % authenticated writes, chosen at random per
-- request from a deterministic stream per thread. Reads spread over several URLs of each
-- kind (as real traffic does), writes are kpbench.lua's POST/PATCH.
local kp = require("kpbench")
local centres = tonumber(os.getenv("BENCH_CENTRES") or "10000")
local q = os.getenv("BENCH_Q") or "friluftsliv"

local regions = {"sor-ost", "vest", "midt", "nord"}
local tags = {"recovery", "livsmestring", "kurs", "rus", "parorende"}
-- one word in ~2 % of the news items, and word + place (few hits each)
local words = {q, "konferanse Bodø", "recovery Tromsø", "pårørende Bergen", "kurs Hamar"}
local points = {"63.43,10.39", "59.91,10.75", "60.39,5.32", "69.65,18.96", "58.97,5.73",
                "58.15,8.00", "62.47,6.15", "67.28,14.40"}
local municipalities = {"5001", "0301", "4601", "5501", "1103", "4204", "3403", "1804"}

local function pick(list)
    return list[math.random(1, #list)]
end

local function escape(s)
    return (string.gsub(s, "[^%w%-%._~]", function(c)
        return string.format("%%%02X", string.byte(c))
    end))
end

local next_id = 0
function setup(thread)
    next_id = next_id + 1
    thread:set("tid", next_id)
end

function init(args)
    math.randomseed(9000 + (tid or 0))
    kp.init(tid)
end

function request()
    local r = math.random()
    if r < 0.05 then
        return kp.request()
    elseif r < 0.30 then
        return wrk.format("GET", "/v1/centres?limit=20")
    elseif r < 0.55 then
        return wrk.format("GET", "/v1/centres/bench-centre-" .. math.random(1, centres))
    elseif r < 0.65 then
        return wrk.format("GET", "/v1/centres?region=" .. pick(regions) .. "&tag=" .. pick(tags))
    elseif r < 0.75 then
        return wrk.format("GET", "/v1/news?q=" .. escape(pick(words)))
    elseif r < 0.85 then
        return wrk.format("GET", "/v1/centres?near=" .. pick(points) .. "&radius_km=50")
    elseif r < 0.90 then
        return wrk.format("GET", "/v1/municipalities/" .. pick(municipalities) .. "/nearest-centres")
    else
        return wrk.format("GET", "/v1/news?limit=20")
    end
end

if kp.needs_relogin then
    function response(status, headers, body)
        kp.response(status, headers, body)
    end
end
