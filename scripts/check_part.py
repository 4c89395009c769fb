#!/usr/bin/env python3
"""Checks a new part of the dataset before it joins `datasets/`.

    python3 scripts/check_part.py NEW.csv [OTHER_NEW.csv ...]

The first file is checked; every file given and every file in
`datasets/parts/` is the corpus it must not repeat. Checks: the header
`id,text,hostility,diplomacy,register,topic,case`; label, register, topic
and case words; unique ids with one prefix; 4 to 70 words; no sentence with
word-trigram Jaccard similarity 0.5 or more to another anywhere (the same
words and trigrams as `tests/it/datasets.rs`); no 4-word opening more than 4
times in the part or 18 times in the corpus. Prints each problem with the
row's id and exits 1 if there is any.
"""

import csv
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HEADER = ["id", "text", "hostility", "diplomacy", "register", "topic", "case"]
LABELS = {
    "hostility": {"hostile", "neutral", "friendly"},
    "diplomacy": {"open", "none", "closed"},
}
REGISTERS = {
    "leader_speech", "state_media", "ministry_briefing", "news_report",
    "analyst_commentary", "joint_communique", "multilateral_address",
    "social_media", "parliamentary_debate", "military_statement",
}
TOPICS = {
    "security", "nuclear", "territory", "trade_sanctions", "maritime", "cyber",
    "elections", "humanitarian", "climate", "negotiations",
}
CASES = {
    "plain", "reported_speech", "negation", "conditional", "passive", "sarcasm",
    "loaded_label", "hedge", "reported_refusal", "mixed", "euphemism",
    "understatement", "rhetorical_question", "restraint_call", "breaking_ties",
}
PARTS = Path(__file__).resolve().parent.parent / "datasets" / "parts"


def words(text):
    text = text.lower().replace("\u2019", "'")
    return [w for w in re.split(r"[^\w']|_", text) if w]


def trigrams(text):
    w = words(text)
    return {tuple(w[i:i + 3]) for i in range(len(w) - 2)}


def opening(text):
    return " ".join(text.split()[:4]).lower()


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        return header, [row for row in reader]


def main(paths):
    problems = []
    header, rows = read(paths[0])
    if header != HEADER:
        print(f"{paths[0]}: header {header}, expected {HEADER}")
        return 1
    ids = Counter(r[0] for r in rows)
    prefixes = {r[0].split("-")[0] for r in rows}
    if len(prefixes) > 1:
        problems.append(f"more than one id prefix: {sorted(prefixes)}")
    for line, r in enumerate(rows, start=2):
        rid = r[0] if r else f"line {line}"
        if len(r) != len(HEADER):
            problems.append(f"{rid}: {len(r)} fields, expected {len(HEADER)}")
            continue
        _, text, hostility, diplomacy, register, topic, case = r
        if ids[rid] > 1:
            problems.append(f"{rid}: id used {ids[rid]} times")
        if hostility not in LABELS["hostility"]:
            problems.append(f"{rid}: hostility {hostility!r}")
        if diplomacy not in LABELS["diplomacy"]:
            problems.append(f"{rid}: diplomacy {diplomacy!r}")
        if register not in REGISTERS:
            problems.append(f"{rid}: register {register!r}")
        if topic not in TOPICS:
            problems.append(f"{rid}: topic {topic!r}")
        bad_cases = [c for c in case.split("|") if c not in CASES]
        if bad_cases:
            problems.append(f"{rid}: case {bad_cases}")
        n = len(text.split())
        if not 4 <= n <= 70:
            problems.append(f"{rid}: {n} words")

    corpus = []  # (id, text) of every other row
    others = [p for p in sorted(PARTS.glob("*.csv"))] + [Path(p) for p in paths[1:]]
    for path in others:
        if path.resolve() == Path(paths[0]).resolve():
            continue
        _, other = read(path)
        corpus.extend((r[0], r[1]) for r in other if len(r) > 1)
    index = defaultdict(list)
    grams = {}
    exact = {}
    for rid, text in corpus:
        g = trigrams(text)
        grams[rid] = g
        exact[" ".join(words(text))] = rid
        for t in g:
            index[t].append(rid)
    for r in rows:
        if len(r) != len(HEADER):
            continue
        rid, text = r[0], r[1]
        key = " ".join(words(text))
        if key in exact:
            problems.append(f"{rid}: repeats {exact[key]}")
        exact[key] = rid
        g = trigrams(text)
        shared = Counter(j for t in g for j in index[t])
        for j, inter in shared.items():
            union = len(g) + len(grams[j]) - inter
            if union and inter / union >= 0.5:
                problems.append(f"{rid}: shares {inter / union:.2f} of its trigrams with {j}")
        grams[rid] = g
        for t in g:
            index[t].append(rid)

    part_openings = Counter(opening(r[1]) for r in rows if len(r) > 1)
    corpus_openings = Counter(opening(t) for _, t in corpus) + part_openings
    for o, n in part_openings.items():
        if n > 4:
            problems.append(f"opening {o!r} used {n} times in the part (at most 4)")
        if corpus_openings[o] > 18:
            problems.append(f"opening {o!r} used {corpus_openings[o]} times in the corpus (at most 18)")

    for p in problems:
        print(p)
    print(f"{paths[0]}: {len(rows)} rows, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
