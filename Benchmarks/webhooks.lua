-- wrk script: POSTs pre-signed Stripe webhooks from the file given after `--`, in turn.
local requests = {}
local index = 0

function init(args)
  for line in io.lines(args[1]) do
    local signature, body = line:match("^([^\t]+)\t(.+)$")
    requests[#requests + 1] = wrk.format("POST", "/webhooks/stripe",
      { ["Content-Type"] = "application/json", ["Stripe-Signature"] = signature }, body)
  end
  index = math.random(#requests)
end

function request()
  index = index % #requests + 1
  return requests[index]
end
