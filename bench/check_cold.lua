-- wrk script: POST /api/v1/check with every body different (a random target to 1e-6 dB),
-- so no answer comes from the server's answer cache: the cost of computing a check.
-- Each wrk thread has its own Lua state: seed each differently (a fresh table's address)
-- so the threads do not send the same sequence of bodies.
init = function(args)
  local addr = tonumber(tostring({}):match("0x(%x+)"), 16) or 0
  math.randomseed((addr % 1000003) + os.time())
end
request = function()
  local body = string.format('{"amp": "nwavguy-objective2-o2", "load": "sennheiser-hd600", "target_spl_db": %.6f}', 80 + math.random() * 50)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
