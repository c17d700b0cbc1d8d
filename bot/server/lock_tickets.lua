-- One conversation's ticket lock, read and changed in one atomic step inside Redis (bot/server/lock_store.py).
-- The value is Rasa's TicketLock JSON, so Rasa's TicketLock.from_dict reads it:
--   {"conversation_id": "...", "tickets": ["{\"number\": 0, \"expires\": 1795650000.5}", ...]}
-- KEYS[1]: the lock key.
-- ARGV: operation (issue | poll | release), conversation id, now (Unix seconds, the caller's clock, as
--       Rasa's tickets use), key TTL margin (seconds), then the operation's argument:
--   issue   lifetime (seconds)  -> {ticket number, number now served, lock JSON}
--   poll    ticket number       -> {ticket number, number now served, lock JSON}, or false if no lock is left
--   release ticket number       -> {ticket number, number now served or -1, lock JSON or false}
-- Expired tickets are dropped first, as TicketLock does (a ticket expires when now > expires).
local operation, conversation_id = ARGV[1], ARGV[2]
local now, margin, argument = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])

local stored = redis.call('GET', KEYS[1])
if not stored and operation == 'poll' then
  return false
end

local tickets = {}
if stored then
  for _, serialised in ipairs(cjson.decode(stored)['tickets']) do
    local ticket = cjson.decode(serialised)
    if ticket['expires'] >= now then
      table.insert(tickets, ticket)
    end
  end
end

local number = argument
if operation == 'issue' then
  number = 0
  if #tickets > 0 then
    number = tickets[#tickets]['number'] + 1
  end
  table.insert(tickets, {number = number, expires = now + argument})
elseif operation == 'release' then
  for index, ticket in ipairs(tickets) do
    if ticket['number'] == argument then
      table.remove(tickets, index)
      break
    end
  end
end

if #tickets == 0 then
  redis.call('DEL', KEYS[1])
  return {number, -1, false}
end
local serialised, last_expiry = {}, 0
for _, ticket in ipairs(tickets) do
  table.insert(serialised, cjson.encode({number = ticket['number'], expires = ticket['expires']}))
  last_expiry = math.max(last_expiry, ticket['expires'])
end
local value = cjson.encode({conversation_id = conversation_id, tickets = serialised})
redis.call('SET', KEYS[1], value, 'PX', math.max(1000, math.floor((last_expiry - now + margin) * 1000)))
return {number, tickets[1]['number'], value}
