-- wrk script: each request enrols one (session, person) pair never used before, as a planner
-- with a bearer token. bench/run fills in the session ids, the person ids and the token.
local sessions = { @SESSIONS@ }
local people = { @PEOPLE@ }
local threads = @THREADS@
local counter = 0
local threads_set_up = 0

-- Runs in the main interpreter; `thread_index` becomes a global of each thread's own one.
function setup(thread)
  thread:set("thread_index", threads_set_up)
  threads_set_up = threads_set_up + 1
end

request = function()
  -- Pairs are numbered person-major, so consecutive requests go to different sessions.
  local n = counter * threads + thread_index
  counter = counter + 1
  local session = sessions[(n % #sessions) + 1]
  local person = people[(math.floor(n / #sessions) % #people) + 1]
  return wrk.format("POST", "/api/v1/sessions/" .. session .. "/enrollments",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer @TOKEN@" },
    '{"person_id": ' .. person .. '}')
end
