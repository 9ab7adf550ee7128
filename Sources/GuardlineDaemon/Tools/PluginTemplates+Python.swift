extension PluginTemplates {
    /// Based on `config/plugins/example_classifier.py`.
    static let pythonSource = #"""
        #!/usr/bin/env python3
        """__NAME__: a Guardline out-of-process detector (standard library only),
        written by `guardline plugin new __NAME__ --lang python` from the shipped
        example config/plugins/example_classifier.py.

        As written it scores phrases that suggest data theft. Replace PHRASES, or
        score(), with your own detection (a model, a service call); keep the
        protocol below.

        Protocol
        --------
        * Guardline starts this program once per detector file and keeps it
          running; it restarts it with backoff if it exits, and stops asking it for
          a while (circuit breaker) if it keeps failing or answering late.
        * stdin: one JSON request per line:
            {"seq": 17, "id": "evt-1", "account_id": "acct-9", "org_id": "",
             "conversation_id": "", "role": "user", "text": "...",
             "tool_calls": [{"name": "shell", "arguments": "..."}], "meta": {}}
        * stdout: exactly one reply line per request, any order, flushed:
            {"seq": 17, "score": 0.83, "labels": ["__NAME__"], "evidence": "..."}
          or {"seq": 17, "error": "why"}. "score" is in [0, 1]; 0 means nothing found.
        * Requests come in batches (one per read chunk of the daemon), and the
          whole batch shares one deadline (`deadline:` in the detector file,
          default 50 ms). Answer line by line; never wait for more input.
        * stderr is for diagnostics: its last lines show in `guardline status`
          when the process dies. Write nothing but replies to stdout.
        * When stdin closes, exit.
        """

        import json
        import sys

        # (phrase, weight): lowercased; the score is the sum of the weights found, capped at 1.
        PHRASES = [
            ("exfiltrate the database", 0.9),
            ("disable the audit log", 0.8),
            ("send it to my personal email", 0.6),
        ]


        def score(request):
            """Returns (score, labels, evidence) for one request."""
            parts = [request.get("text") or ""]
            for call in request.get("tool_calls") or []:
                if isinstance(call, dict):
                    parts.append(str(call.get("arguments", "")))
            lowered = "\n".join(parts).lower()
            found = [(phrase, weight) for phrase, weight in PHRASES if phrase in lowered]
            if not found:
                return 0.0, [], ""
            return min(1.0, sum(weight for _, weight in found)), ["__NAME__"], ", ".join(p for p, _ in found)


        def handle(line):
            try:
                request = json.loads(line)
            except ValueError as error:
                return {"seq": -1, "error": "malformed request: %s" % error}
            if not isinstance(request, dict) or not isinstance(request.get("seq"), int):
                return {"seq": -1, "error": "request has no integer seq"}
            try:
                value, labels, evidence = score(request)
            except Exception as error:  # one bad event must not end the process
                return {"seq": request["seq"], "error": "%s: %s" % (type(error).__name__, error)}
            return {"seq": request["seq"], "score": round(value, 4), "labels": labels, "evidence": evidence}


        def main():
            for line in sys.stdin:
                if line.strip():
                    sys.stdout.write(json.dumps(handle(line), separators=(",", ":")) + "\n")
                    sys.stdout.flush()


        if __name__ == "__main__":
            try:
                main()
            except (BrokenPipeError, KeyboardInterrupt):
                pass

        """#
}
