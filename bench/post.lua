-- wrk script: POST a new comment per request, with the CSRF token and cookie a browser has.
-- Usage: wrk -s bench/post.lua URL -- <csrf token> <csrftoken cookie>
-- Each text is different: the site refuses the same text from one client twice.

local token, cookie
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
  table.insert(threads, thread)
end

function init(args)
  -- Every run and thread writes texts of its own: the site refuses a repeated text.
  math.randomseed(os.time() * 100 + id)
  token = args[1]
  cookie = args[2]
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = "csrftoken=" .. cookie
end

function request()
  counter = counter + 1
  local body = "csrfmiddlewaretoken=" .. token
    .. "&author_name=Last+" .. id
    .. "&text=Lasttest+" .. id .. "-" .. counter .. "+" .. math.random(1, 1000000000)
    .. "&privacy_consent=on"
  return wrk.format(nil, nil, nil, body)
end
