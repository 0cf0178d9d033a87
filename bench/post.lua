-- wrk script: POST a new comment per request, as a guest with a browser's CSRF token and
-- cookie, answering a captcha question of its own.
-- Usage: wrk -s bench/post.lua URL -- <csrf token> <csrftoken cookie> <challenges file>
-- The challenges file has one "key answer" line per question (bench/run.py writes
-- it); each question can be answered once, so the threads split the lines between them.
-- Each text is different: the site refuses the same text from one client twice.

local token, cookie
local counter = 0
local thread_count = 0
local challenges = {}
local next_challenge = 1

function setup(thread)
  thread_count = thread_count + 1
  thread:set("id", thread_count)
end

function init(args)
  -- Every run and thread writes texts of its own: the site refuses a repeated text.
  math.randomseed(os.time() * 100 + id)
  token = args[1]
  cookie = args[2]
  local threads = tonumber(args[4])
  local line_number = 0
  for line in io.lines(args[3]) do
    if line_number % threads == id - 1 then
      table.insert(challenges, line)
    end
    line_number = line_number + 1
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = "csrftoken=" .. cookie
end

function request()
  counter = counter + 1
  -- Out of questions, the site answers 400: the run reports them as errors.
  local key, answer = string.match(challenges[next_challenge] or "x x", "(%S+) (%S+)")
  next_challenge = next_challenge + 1
  local body = "csrfmiddlewaretoken=" .. token
    .. "&author_name=Last+" .. id
    .. "&text=Lasttest+" .. id .. "-" .. counter .. "+" .. math.random(1, 1000000000)
    .. "&privacy_consent=on"
    .. "&captcha_0=" .. key .. "&captcha_1=" .. answer
  return wrk.format(nil, nil, nil, body)
end
