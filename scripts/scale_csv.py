#!/usr/bin/env python3
"""Writes a labeled CSV of N rows for training-speed runs, by repeating
datasets/train.csv with a framing prefix and suffix per repetition (100
distinct variants; labels kept). Deterministic: the same N gives the same file.

    python3 scripts/scale_csv.py 100000 > /tmp/train100k.csv
"""
import csv
import sys

PREFIXES = ["", "Reportedly, ", "On Monday, ", "In a statement, ", "Officials said ",
            "According to the ministry, ", "Late on Friday, ", "In remarks to reporters, ",
            "As the session opened, ", "Speaking in the capital, "]
SUFFIXES = ["", " the spokesperson added.", " officials said.", " a source confirmed.",
            " the report said.", " state television reported.", " an aide noted.",
            " the envoy told delegates.", " the communique read.", " the agency wrote."]


def main():
    n = int(sys.argv[1])
    path = sys.argv[2] if len(sys.argv) > 2 else "datasets/train.csv"
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["id", "text", "hostility", "diplomacy"])
    for i in range(n):
        row = rows[i % len(rows)]
        variant = i // len(rows)
        prefix = PREFIXES[variant % len(PREFIXES)]
        suffix = SUFFIXES[(variant // len(PREFIXES)) % len(SUFFIXES)]
        text = prefix + row["text"] + suffix
        out.writerow([f"{row['id']}-{variant}", text, row["hostility"], row["diplomacy"]])


if __name__ == "__main__":
    main()
