#!/usr/bin/env bash
# On the GPU machine: keep one carried part of the cuDSS library (scripts/cudss-bundle.sh) in
# TCAD_CUDSS_STAGE (default /tmp/tcad-cudss); when every part is there, check the sha256 and
# unpack libcudss.so.1 there. Prints what is still missing. Exit 0 when the library is ready.
#   bash scripts/cudss-stage.sh .gpu-cudss/pN
set -uo pipefail
stage=${TCAD_CUDSS_STAGE:-/tmp/tcad-cudss}
mkdir -p "$stage/parts"
for d in "$@"; do
  [ -f "$d/manifest" ] || { echo "cudss-stage: $d has no manifest (not a part made by cudss-bundle.sh)"; exit 2; }
  cp "$d"/libcudss.so.1.xz.part* "$d/manifest" "$stage/parts/"
done
[ -f "$stage/parts/manifest" ] || { echo "cudss-stage: no part staged yet"; exit 1; }
read -r n sum < "$stage/parts/manifest"
if [ -f "$stage/libcudss.so.1" ] && [ "$(cat "$stage/sha256" 2>/dev/null)" = "$sum" ]; then
  echo "cudss-stage: ready: $stage/libcudss.so.1"; exit 0
fi
missing=""
for k in $(seq 1 "$n"); do [ -f "$stage/parts/libcudss.so.1.xz.part$k" ] || missing+=" p$k"; done
if [ -n "$missing" ]; then echo "cudss-stage: have $(ls "$stage"/parts/*.part* | wc -l) of $n parts; still to carry:$missing"; exit 1; fi
got=$(cat $(for k in $(seq 1 "$n"); do echo "$stage/parts/libcudss.so.1.xz.part$k"; done) | tee "$stage/joined.xz" | sha256sum | cut -d' ' -f1)
[ "$got" = "$sum" ] || { echo "cudss-stage: sha256 mismatch ($got, expected $sum): carry the parts again"; rm -f "$stage"/parts/*.part* "$stage/joined.xz"; exit 3; }
xz -d -c "$stage/joined.xz" > "$stage/libcudss.so.1" && rm -f "$stage/joined.xz" && echo "$sum" > "$stage/sha256"
echo "cudss-stage: ready: $stage/libcudss.so.1 ($(du -h "$stage/libcudss.so.1" | cut -f1))"
