#!/usr/bin/env python3
"""Example out-of-process Guardline detector: data-exfiltration intent.

Protocol (what guardline's ProcessDetector speaks; standard library only here)
-----------------------------------------------------------------------------
* Guardline starts this program once and keeps it running. It restarts it with
  exponential backoff if it exits, and stops asking it for a while (circuit
  breaker) if it keeps failing or answering late.
* stdin: one JSON request per line (NDJSON), UTF-8:
    {"seq": 17, "id": "evt-1", "account_id": "acct-9", "org_id": "org-2",
     "conversation_id": "c-4", "role": "user", "text": "...",
     "tool_calls": [{"name": "shell", "arguments": "..."}], "meta": {...}}
  "seq" is an integer chosen by guardline; "arguments" is always a string (the
  raw JSON text when the event carried an object); "meta" is passed through.
* stdout: exactly one reply line per request, in any order, flushed at once:
    {"seq": 17, "score": 0.83, "labels": ["data-exfiltration"], "evidence": "..."}
  "score" must be within [0, 1]; 0 means "nothing found". "labels" and
  "evidence" are optional. If a request cannot be scored, reply
    {"seq": 17, "error": "why"}
  A line that is not JSON or has no "seq" cannot be answered by seq; reply
  {"seq": -1, "error": ...} so guardline counts it as an error.
* Requests arrive in batches: many lines in one write. Guardline waits for a
  whole batch until one shared deadline (default 50 ms); replies after it are
  discarded. Read and answer line by line; never wait for more input before
  replying to what you have.
* stderr is for diagnostics: guardline keeps its last lines and shows them when
  the process dies. Never write anything but replies to stdout.
* When stdin closes, exit.

The model
---------
A hand-written weighted keyword scorer squashed by a logistic function: phrases
that suggest moving data out (upload, send to an outside address, encode and
paste) and phrases that suggest the data is sensitive (credentials, customer
records, private keys) each add weight; the two together score highest. The
words and weights were written for this example; tune them for real use.
"""

import json
import math
import sys

# (phrase, weight): moving data somewhere else.
TRANSFER_PHRASES = [
    ("upload", 1.2),
    ("exfiltrat", 2.5),
    ("send it to", 1.0),
    ("send them to", 1.0),
    ("email me", 0.9),
    ("post to", 0.8),
    ("pastebin", 1.8),
    ("webhook", 1.3),
    ("curl -x post", 1.6),
    ("curl -d", 1.4),
    ("scp ", 1.2),
    ("base64", 1.0),
    ("dump the", 1.1),
    ("copy all", 0.9),
    ("without anyone noticing", 2.0),
    ("bypass the dlp", 2.4),
    ("external server", 1.4),
]

# (phrase, weight): data that should not leave.
SENSITIVE_PHRASES = [
    ("password", 1.1),
    ("credential", 1.2),
    ("api key", 1.3),
    ("secret key", 1.3),
    ("private key", 1.5),
    ("ssh key", 1.4),
    ("/etc/shadow", 2.0),
    ("customer database", 1.6),
    ("customer records", 1.5),
    ("social security", 1.7),
    ("credit card", 1.5),
    ("payroll", 1.0),
    ("access token", 1.2),
    (".env", 0.8),
]

BIAS = -4.0
BOTH_BONUS = 1.5
FIRE_THRESHOLD = 0.05


def score_text(text):
    """Returns (score, matched phrases) for lowercased text."""
    lowered = text.lower()
    transfer = [(p, w) for p, w in TRANSFER_PHRASES if p in lowered]
    sensitive = [(p, w) for p, w in SENSITIVE_PHRASES if p in lowered]
    total = BIAS + sum(w for _, w in transfer) + sum(w for _, w in sensitive)
    if transfer and sensitive:
        total += BOTH_BONUS
    probability = 1.0 / (1.0 + math.exp(-total))
    return probability, [p for p, _ in transfer + sensitive]


def handle(line):
    """Returns the reply object for one request line."""
    try:
        request = json.loads(line)
    except ValueError as error:
        return {"seq": -1, "error": "malformed request: %s" % error}
    if not isinstance(request, dict) or not isinstance(request.get("seq"), int):
        return {"seq": -1, "error": "request has no integer seq"}
    seq = request["seq"]
    text = request.get("text")
    if not isinstance(text, str):
        return {"seq": seq, "error": "request has no text"}
    parts = [text]
    for call in request.get("tool_calls") or []:
        if isinstance(call, dict):
            parts.append(str(call.get("name", "")))
            parts.append(str(call.get("arguments", "")))
    probability, matched = score_text("\n".join(parts))
    if probability < FIRE_THRESHOLD:
        return {"seq": seq, "score": 0.0, "labels": []}
    return {
        "seq": seq,
        "score": round(probability, 4),
        "labels": ["data-exfiltration"],
        "evidence": ", ".join(matched),
    }


def main():
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        out.write(json.dumps(handle(line), separators=(",", ":")) + "\n")
        out.flush()


if __name__ == "__main__":
    try:
        main()
    except (BrokenPipeError, KeyboardInterrupt):
        pass
