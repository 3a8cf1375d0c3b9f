-- Shared by write.lua and mix.lua (found through LUA_PATH, which bench.sh sets):
-- authenticated writes on /v1/news as the benchmark's editor.
--
-- Environment (set by bench.sh):
--   BENCH_TOKEN      access token of the editor (Bearer)
--   BENCH_EMAIL, BENCH_PASSWORD   to log in again when a run outlives the token
--   BENCH_OWNER      slug of the editor's centre (owner of new items)
--   BENCH_NEWS       number of generated news items; every 50th (bench-news-50, -100, …)
--                    is owned by BENCH_OWNER, so those are the ones PATCHed
--   BENCH_RUN        a tag that keeps titles unique across runs on the same database
--   BENCH_SECONDS    run length; only when it exceeds BENCH_RELOGIN_S (600) does the
--                    script watch responses for a fresh token
local M = {}

local function env(name, default)
    local v = os.getenv(name)
    if v == nil or v == "" then
        if default == nil then error(name .. " is not set") end
        return default
    end
    return v
end

local token = env("BENCH_TOKEN")
local email = env("BENCH_EMAIL")
local password = env("BENCH_PASSWORD")
local owner = env("BENCH_OWNER")
local owned = math.floor(tonumber(env("BENCH_NEWS", "100000")) / 50)
local run = env("BENCH_RUN", "r")
local relogin_s = tonumber(env("BENCH_RELOGIN_S", "600"))
M.needs_relogin = tonumber(env("BENCH_SECONDS", "15")) > relogin_s

local token_at = os.time()
local login_pending = false
local counter = 0
local tid = 0

-- Must be called from init(): the thread number makes titles and random streams unique.
function M.init(thread_id)
    tid = thread_id or 0
end

local function login()
    login_pending = true
    token_at = os.time()
    return wrk.format("POST", "/v1/auth/token", {["Content-Type"] = "application/json"},
        string.format('{"email":"%s","password":"%s"}', email, password))
end

-- The next write: POST a new item and PATCH an existing one, alternately.
function M.request()
    if M.needs_relogin and not login_pending and os.time() - token_at >= relogin_s then
        return login()
    end
    counter = counter + 1
    local headers = {
        ["Content-Type"] = "application/json",
        ["Authorization"] = "Bearer " .. token,
    }
    if counter % 2 == 1 then
        local body = string.format(
            '{"title":"Benchmark-nyhet %s t%d n%d","date":"2025-03-14",' ..
            '"summary":"Skrevet av ytelsestesten: fellesskap, mestring og håp.",' ..
            '"body":"Møteplassen inviterte til samling om erfaringskunnskap.",' ..
            '"tags":["recovery","kurs"],"centre":"%s","owner_centre":"%s"}',
            run, tid, counter, owner, owner)
        return wrk.format("POST", "/v1/news", headers, body)
    end
    local slug = "bench-news-" .. (50 * math.random(1, owned))
    local body = string.format('{"summary":"Oppdatert av ytelsestesten %s t%d n%d."}',
        run, tid, counter)
    return wrk.format("PATCH", "/v1/news/" .. slug, headers, body)
end

-- Watches for the answer to a login (only installed when a run outlives the token).
function M.response(status, headers, body)
    if login_pending and body then
        local t = string.match(body, '"access_token"%s*:%s*"([^"]+)"')
        if t then
            token = t
            login_pending = false
        end
    end
end

return M
