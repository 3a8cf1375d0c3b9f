-- wrk script: authenticated writes only, POST a news item / PATCH an existing one,
-- alternately (see kpbench.lua). Every write creates a revision and a change-feed row.
local kp = require("kpbench")

local next_id = 0
function setup(thread)
    next_id = next_id + 1
    thread:set("tid", next_id)
end

function init(args)
    math.randomseed(7000 + (tid or 0))
    kp.init(tid)
end

function request()
    return kp.request()
end

if kp.needs_relogin then
    function response(status, headers, body)
        kp.response(status, headers, body)
    end
end
