#!/usr/bin/env python3
"""Builds `datasets/train.csv` and `datasets/test.csv` from the parts.

    python3 scripts/build_datasets.py [--check]

`datasets/parts/*.csv` hold the sentences with their writers' labels (pass
1); `datasets/annotation/labels.csv` holds every sentence's final label and
its split, in the order the rounds were written. A row goes to test when
SHA-256 of its id, read as an integer, is below 20 modulo 100, so adding
sentences never moves an existing one. With `--check`, the files are not
written; the script exits 1 if they differ from what it would write.
"""

import csv
import hashlib
import io
import sys
from pathlib import Path

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
COLUMNS = ["id", "text", "hostility", "diplomacy", "register", "topic"]


def split_of(row_id):
    return "test" if int(hashlib.sha256(row_id.encode()).hexdigest(), 16) % 100 < 20 else "train"


def main(check):
    parts = {}
    for path in sorted((DATASETS / "parts").glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["id"] in parts:
                    sys.exit(f"{path}: id {row['id']} is also in another part")
                parts[row["id"]] = row
    with open(DATASETS / "annotation" / "labels.csv", newline="", encoding="utf-8") as f:
        labels = list(csv.DictReader(f))
    missing = set(parts) - {r["id"] for r in labels}
    if missing:
        sys.exit(f"annotation/labels.csv has no label for {len(missing)} ids, e.g. {sorted(missing)[:3]}")
    out = {"train": io.StringIO(), "test": io.StringIO()}
    writers = {k: csv.writer(v, lineterminator="\n") for k, v in out.items()}
    for w in writers.values():
        w.writerow(COLUMNS)
    for label in labels:
        rid = label["id"]
        if rid not in parts:
            sys.exit(f"annotation/labels.csv: {rid} is in no part")
        split = split_of(rid)
        if label["split"] != split:
            sys.exit(f"annotation/labels.csv: {rid} says {label['split']}, the hash says {split}")
        p = parts[rid]
        writers[split].writerow(
            [rid, p["text"], label["final_hostility"], label["final_diplomacy"], p["register"], p["topic"]]
        )
    differ = False
    for split, text in out.items():
        path = DATASETS / f"{split}.csv"
        if check:
            if path.read_text(encoding="utf-8") != text.getvalue():
                print(f"{path} differs from what the parts and labels give")
                differ = True
        else:
            path.write_text(text.getvalue(), encoding="utf-8")
            print(f"wrote {path}: {text.getvalue().count(chr(10)) - 1} rows")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))
