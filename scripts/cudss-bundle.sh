#!/usr/bin/env bash
# make gpu-bundle-cudss: NVIDIA's cuDSS library (the nvidia-cudss-cu13 wheel, unmodified) packed
# for the device tool's GPU machine, which has no cuDSS and no network. libcudss.so.1 is ~167 MB
# (~144 MB with xz), more than one device call may carry (64 MiB), so it is split into parts of
# at most CUDSS_PART_MB (default 56) MiB, one folder each: .gpu-cudss/p1, p2, ... (ignored).
# On the GPU machine, while it stays warm, carry one part per call and run
#   bash scripts/cudss-stage.sh .gpu-cudss/pN
# which keeps the part in /tmp/tcad-cudss; once all parts are there it checks the sha256, unpacks
# /tmp/tcad-cudss/libcudss.so.1, and run-gpu.sh points TCAD_CUDSS_LIB at it. See docs/gpu.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/.gpu-cudss"
mb=${CUDSS_PART_MB:-56}
spec=${CUDSS_WHEEL_SPEC:-nvidia-cudss-cu13>=1,<2}
log() { echo "cudss-bundle: $*" >&2; }
tmp=$(mktemp -d /tmp/cudss-bundle.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
log "downloading $spec"
python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: -d "$tmp" "$spec" >&2
whl=$(ls "$tmp"/*.whl | head -n1)
(cd "$tmp" && unzip -q -o "$whl" 'nvidia/cu13/lib/libcudss.so.1' '*/licenses/*')
lib="$tmp/nvidia/cu13/lib/libcudss.so.1"
[ -f "$lib" ] || { log "no libcudss.so.1 in $(basename "$whl")"; exit 1; }
log "compressing $(du -h "$lib" | cut -f1) with xz"
xz -T0 -9 -c "$lib" > "$tmp/libcudss.so.1.xz"
rm -rf "$out"; mkdir -p "$out"
split -b "${mb}M" -d -a 1 "$tmp/libcudss.so.1.xz" "$tmp/part."
n=0
for f in "$tmp"/part.*; do
  n=$((n + 1)); mkdir -p "$out/p$n"; mv "$f" "$out/p$n/libcudss.so.1.xz.part$n"
done
sum=$(sha256sum "$tmp/libcudss.so.1.xz" | cut -d' ' -f1)
for d in "$out"/p*; do
  printf '%s %s\n' "$n" "$sum" > "$d/manifest"   # parts in all, sha256 of the joined .xz
  cp "$tmp"/nvidia_cudss_cu13-*.dist-info/licenses/LICENSE.txt "$d/LICENSE.txt" 2>/dev/null || true
done
echo "$(basename "$whl")" > "$out/wheel.txt"
log "done: $n parts in ${out#$root/}/: $(cd "$out" && du -sh p* | tr '\t\n' ': ')"
log "on the GPU machine, one call per part (the machine must stay warm between them):"
for d in "$out"/p*; do log "  carry [\".gpu-cudss/$(basename "$d")\"], command: bash scripts/cudss-stage.sh .gpu-cudss/$(basename "$d")"; done
