-- The frames each of many display filters selects, from one tshark pass:
-- one tap listener per filter (a tap's filter is compiled and matched as
-- -Y's is).  FILTER_LIST names a file with one filter a line; FILTER_OUT
-- gets, for each line, "N<TAB>OK<TAB>frame numbers" or "N<TAB>ERR<TAB>why".
local hits, errors = {}, {}
local count = 0
local first_listener

for line in io.lines(os.getenv("FILTER_LIST")) do
  count = count + 1
  local index = count
  hits[index] = {}
  local ok, listener = pcall(Listener.new, "frame", line)
  if ok then
    function listener.packet(pinfo)
      local h = hits[index]
      h[#h + 1] = pinfo.number
    end
    first_listener = first_listener or listener
  else
    errors[index] = tostring(listener):gsub("\n", " ")
  end
end

local function write_sets()
  local out = assert(io.open(os.getenv("FILTER_OUT"), "w"))
  for k = 1, count do
    if errors[k] then
      out:write(k, "\tERR\t", errors[k], "\n")
    else
      out:write(k, "\tOK\t", table.concat(hits[k], " "), "\n")
    end
  end
  out:close()
end

-- Listeners are drawn once, when the pass is over; with none, write now.
if first_listener then
  first_listener.draw = write_sets
else
  write_sets()
end
