-- wrk script: GET one centre by slug, a different generated centre on every request
-- (bench-centre-1 … BENCH_CENTRES), from a deterministic sequence per thread.
local centres = tonumber(os.getenv("BENCH_CENTRES") or "10000")

local threads = {}
local next_id = 0
function setup(thread)
    next_id = next_id + 1
    thread:set("tid", next_id)
    table.insert(threads, thread)
end

function init(args)
    math.randomseed(4242 + (tid or 0))
end

function request()
    return wrk.format("GET", "/v1/centres/bench-centre-" .. math.random(1, centres))
end
