#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with starting inputs: the committed text and
# CSV seeds in fuzz/seeds/, and model-file seeds made from models/stance.model
# (not committed: 2.6 MB) plus small valid model files written here.
# Safe to rerun: it only adds files; the fuzzer's own corpus files stay.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
corpus="$here/corpus"
model="$root/models/stance.model"

for t in segment tokenize classify; do
  mkdir -p "$corpus/$t"
  cp "$here"/seeds/text/* "$corpus/$t/"
done
mkdir -p "$corpus/csv_labeled"
cp "$here"/seeds/csv_labeled/* "$corpus/csv_labeled/"
mkdir -p "$corpus/records"
cp "$here"/seeds/records/* "$corpus/records/"

mkdir -p "$corpus/model_load" "$corpus/model_crc"
if [ -f "$model" ]; then
  cp "$model" "$corpus/model_load/full.model"
  cp "$model" "$corpus/model_crc/full.model"
  size=$(stat -c %s "$model")
  # Truncations: inside the header, inside labels/metadata, inside the rows.
  for n in 0 7 8 12 24 28 64 512 4096 65536 $((size / 2)) $((size - 4)) $((size - 1)); do
    head -c "$n" "$model" > "$corpus/model_load/trunc-$n.model"
  done
  # The header and metadata of the real model with no rows (its CRC is
  # recomputed by model_crc; model_load will reject it at the checksum).
  python3 - "$model" "$corpus/model_crc/real-header-no-rows.model" <<'PY'
import struct, sys, zlib
b = open(sys.argv[1], 'rb').read()
L, M = struct.unpack_from('<II', b, 16)
head = bytearray(b[:24 + L + M + 32]) + struct.pack('<I', 0)
head += struct.pack('<I', zlib.crc32(bytes(head)))
open(sys.argv[2], 'wb').write(head)
PY
else
  echo "no $model: model seeds are only the small generated ones" >&2
fi

# Small valid model files in the format of src/model/format.rs.
python3 - "$corpus/model_crc" "$corpus/model_load" <<'PY'
import struct, sys, zlib
LABELS = b"hostile,neutral,friendly;open,none,closed"
def model(bits, ngram, flags, meta, rows, bias=(0.1,) * 6, temp=(1.0, 1.5)):
    out = bytearray(b"STANCEM\0") + struct.pack('<I', 1)
    out += bytes([bits, ngram, flags, 0])
    out += struct.pack('<II', len(LABELS), len(meta)) + LABELS + meta
    out += struct.pack('<6f', *bias) + struct.pack('<2f', *temp)
    out += struct.pack('<I', len(rows))
    for bucket, ws in rows:
        out += struct.pack('<I', bucket) + struct.pack('<6f', *ws)
    out += struct.pack('<I', zlib.crc32(bytes(out)))
    return bytes(out)
seeds = {
    'min-10.model': model(10, 1, 0, b'{}', []),
    'rows-10.model': model(10, 3, 3, b'{"crate_version":"0.1.0"}',
                           [(0, (1, -1, 0, 0.5, 0, -0.5)), (7, (0.25,) * 6), (1023, (-2, 2, 0, 0, 1, 0))]),
    'rows-12.model': model(12, 2, 1, b'', [(b, (0.01 * b, 0, -0.01 * b, 0, 0.1, 0)) for b in range(0, 4096, 97)]),
    'bits-16.model': model(16, 3, 2, b'{"rows":0}', [(65535, (3, 2, 1, 0, -1, -2))], temp=(0.5, 4.0)),
}
for d in sys.argv[1:]:
    for name, data in seeds.items():
        open(f'{d}/{name}', 'wb').write(data)
PY
# Word-vector tables: small valid ones, and the shipped table's header with
# its first 300 words (word count patched to match).
mkdir -p "$corpus/word_vectors"
python3 - "$root/models/word-vectors.bin" "$corpus/word_vectors" <<'PY'
import struct, sys
src, out = sys.argv[1], sys.argv[2]
def table(scales, words):
    b = b'STANCEWV' + struct.pack('<III', 1, len(scales), len(words))
    b += b''.join(struct.pack('<f', s) for s in scales)
    for w, v in words:
        b += bytes([len(w)]) + w + bytes(x & 0xff for x in v)
    return b
open(f'{out}/tiny.bin', 'wb').write(table([0.5, 2.0], [(b'talks', [2, -1]), (b'threat', [-4, 3])]))
open(f'{out}/stems.bin', 'wb').write(table([1.0] * 3, [(b'negotiate', [1, 2, 3]), (b'negotiated', [3, 2, 1]), (b"don't", [0, 0, 9]), (b'two words', [1, 1, 1])]))
data = open(src, 'rb').read()
dims = struct.unpack('<I', data[12:16])[0]
at = 20 + 4 * dims
for _ in range(300):
    at += 1 + data[at] + dims
head = bytearray(data[:at])
head[16:20] = struct.pack('<I', 300)
open(f'{out}/shipped-300.bin', 'wb').write(bytes(head))
PY

echo "corpus ready in $corpus"
