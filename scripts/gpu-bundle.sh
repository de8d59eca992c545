#!/usr/bin/env bash
# make gpu-bundle: build tcad, the tests and the benchmarks with CUDA for sm_90 and pack them, with
# the .deb files of the runtime libraries they need (PETSc and its closure, HDF5, libyaml, OpenMPI)
# and run-gpu.sh, into .gpu-bundle/ (ignored). On a machine that has only the CUDA toolkit (the
# device tool's GPU machine: no PETSc, no network), `bash .gpu-bundle/run-gpu.sh OUTDIR` from the
# repository root unpacks the .debs into a private prefix and runs the test suite and the
# benchmarks there. See docs/gpu.md.
#   scripts/gpu-bundle.sh [BUILD_DIR]      (default build-bundle)
# Environment:
#   GPU_BUNDLE_CUDA_ARCH    nvcc -gencode flags (default: sm_90 machine code + compute_90 PTX)
#   GPU_BUNDLE_DD_SCALES    Gmsh -clscale values of examples/mosfet2d.geo meshed here and replayed
#                           there by a gmsh stand-in (the GPU machine has no gmsh); default 0.72
#                           (~2e4 nodes, 2 MB). "" for none.
#   GPU_BUNDLE_EXCLUDE      packages never bundled (a bare Debian/Ubuntu CUDA image has them)
#   GPU_BUNDLE_EXTRA        packages bundled for their programs (default openmpi-bin: mpirun, and
#                           openmpi-common: its help texts)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${1:-build-bundle}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
bundle="$root/.gpu-bundle"
arch=${GPU_BUNDLE_CUDA_ARCH:--gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90}
dd_scales=${GPU_BUNDLE_DD_SCALES-0.72}
# What every Debian/Ubuntu base image (the CUDA images included) has because dpkg, apt, bash and
# coreutils need it. Everything else that ldd finds is bundled, even where an image may have it.
exclude=${GPU_BUNDLE_EXCLUDE:-libc6 libgcc-s1 libstdc++6 zlib1g libzstd1 liblzma5 libbz2-1.0 libcrypt1 libselinux1 libpcre2-8-0 libmd0 libacl1 libattr1 libtinfo6}

log() { echo "gpu-bundle: $*" >&2; }
die() { echo "gpu-bundle: $*" >&2; exit 1; }

nvcc=$(command -v nvcc 2>/dev/null || ls /usr/local/cuda/bin/nvcc 2>/dev/null || true)
[ -n "$nvcc" ] || die "nvcc not found: the bundle is a CUDA build (install the CUDA toolkit)"
for t in dpkg dpkg-query ldd apt-get readelf; do command -v $t >/dev/null || die "$t is missing"; done

# 1. Build (library, tcad, tests, benchmarks) with CUDA for sm_90.
log "building into ${build#$root/} for: $arch"
make --no-print-directory -C "$root" BUILD="$build" NVCC="$nvcc" CUDA_ARCH="$arch" -j"$(nproc)" all >&2
bins=("$build/tcad" "$build"/tests/t* "$build"/tests/libfake_cudss.so "$build"/bench/*)
bins=($(for b in "${bins[@]}"; do if [ -f "$b" ] && [ -x "$b" ]; then echo "$b"; fi; done))  # (not *.d)
[ ${#bins[@]} -ge 3 ] || die "no binaries in $build"
readelf -S "$build/tcad" | grep '\.nv_fatbin' >/dev/null || die "$build/tcad has no CUDA code (.nv_fatbin)"
cuobjdump=$(dirname "$nvcc")/cuobjdump
if [ -x "$cuobjdump" ]; then
  "$cuobjdump" --list-elf "$build/tcad" 2>/dev/null | grep sm_90 >/dev/null || die "$build/tcad has no sm_90 code"
fi

# 2. The runtime closure: every library ldd resolves (ldd follows the whole tree) for the
#    binaries, mapped to its package; then the plugins that those packages dlopen at run time
#    (OpenMPI's MCA components, PMIx's plugins; ldd cannot see them), and what they need, until
#    nothing new turns up. CUDA's libraries are the GPU machine's own and are left out, as is the
#    base set above.
plugin_re=${GPU_BUNDLE_PLUGINS:-'/openmpi/lib/openmpi[0-9]*/[^/]*\.so$|/pmix[0-9]*/lib/pmix/[^/]*\.so$'}
pkg_of() { # path -> package name (empty when no package owns it)
  local f=$1 r p
  r=$(readlink -f "$f")
  p=$(dpkg -S "$r" 2>/dev/null | head -n1) || true
  [ -n "$p" ] || p=$(dpkg -S "$f" 2>/dev/null | head -n1) || true
  [ -n "$p" ] || { local alt=${r/#\/usr\/lib\//\/lib\/}; p=$(dpkg -S "$alt" 2>/dev/null | head -n1) || true; }
  p=${p%%: *}; p=${p%%,*}; echo "${p%%:*}"
}
declare -A pkgs=() seen_lib=() why=() dirs=()
declare -a alts=()  # "link target" pairs for libraries reached through /etc/alternatives
queue=("${bins[@]}")
# Packages bundled whole for their programs (mpirun for the all-cores CPU baseline of the linear
# bench), with what their programs need.
extra_pkgs=${GPU_BUNDLE_EXTRA-openmpi-bin openmpi-common}
for p in $extra_pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || { log "note: $p is not installed; not bundled"; continue; }
  pkgs[$p]=$(dpkg-query -W -f='${Version}' "$p"); why[$p]="programs"
  while IFS= read -r f; do
    [ -f "$f" ] && [ ! -L "$f" ] && head -c4 "$f" | grep -q ELF && queue+=("$f")
  done < <(dpkg -L "$p" | grep -E '/bin/')
done
while [ ${#queue[@]} -gt 0 ]; do
  next=()
  libs=$(for f in "${queue[@]}"; do ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3}'; done | sort -u)
  missing=$(for f in "${queue[@]}"; do ldd "$f" 2>/dev/null | grep "not found" | sed "s|^|$f: |"; done || true)
  [ -z "$missing" ] || log "note: unresolved here (left as is): $(echo "$missing" | head -n3 | tr '\n' ' ')"
  for l in $libs; do
    [ -n "${seen_lib[$l]:-}" ] && continue
    seen_lib[$l]=1
    case "$(readlink -f "$l")" in /usr/local/cuda*|/opt/cuda*|*/libcuda.so*|*/libnvidia-*) continue ;; esac
    p=$(pkg_of "$l")
    [ -n "$p" ] || { log "note: no package owns $l; not bundled"; continue; }
    [[ " $exclude " == *" $p "* ]] && continue
    for d in "$(dirname "$(readlink -f "$l")")" "$(dirname "$l")"; do
      d=${d#/}; case "$d" in usr/*) ;; *) d="usr/$d" ;; esac; dirs[$d]=1
    done
    # Debian's BLAS/LAPACK (and similar) sonames are /etc/alternatives symlinks that the .debs do
    # not contain (postinst makes them): record soname -> real file for run-gpu.sh.
    chain=$l hop=$l
    for _ in 1 2 3 4 5 6; do [ -L "$hop" ] || break; t=$(readlink "$hop"); case "$t" in /*) ;; *) t="$(dirname "$hop")/$t" ;; esac; chain+=" $t"; hop=$t; done
    if [[ "$chain" == *"/etc/alternatives/"* ]]; then
      alts+=("usr/lib/x86_64-linux-gnu/$(basename "$l") $(readlink -f "$l" | sed 's|^/||')")
    fi
    [ -n "${pkgs[$p]:-}" ] && continue
    pkgs[$p]=$(dpkg-query -W -f='${Version}' "$p")
    why[$p]=$(basename "$l")
    # the package's plugins join the next round
    while IFS= read -r so; do
      [ -f "$so" ] && [ ! -L "$so" ] && next+=("$so")
    done < <(dpkg -L "$p" | grep -E "$plugin_re" || true)
  done
  queue=("${next[@]+"${next[@]}"}")
done
[ -n "${pkgs[libpetsc-real3.18]:-}${pkgs[libpetsc-real3.18t64]:-}" ] || log "warning: no PETSc package in the closure"

# 3. The bundle folder.
#    The binaries go in as one build.tar.xz (they share libtcad.a and its debug info: ~12 MB
#    of files, ~1.5 MB packed); run-gpu.sh unpacks them.
rm -rf "$bundle"
mkdir -p "$bundle/debs" "$bundle/bin" "$bundle/meshes"
stage=$(mktemp -d /tmp/gpu-bundle-bin.XXXXXX)
mkdir -p "$stage/build"; (cd "$build" && cp -p --parents "${bins[@]#$build/}" "$stage/build/")
tar -C "$stage" -cJf "$bundle/build.tar.xz" build; rm -rf "$stage"
cp -p "$root/scripts/run-gpu.sh" "$bundle/run-gpu.sh"

repack() { # package version arch destdir: a .deb of the installed files (no maintainer scripts)
  local p=$1 v=$2 a=$3 dest=$4 st
  st=$(mktemp -d /tmp/gpu-bundle-repack.XXXXXX); chmod 755 "$st"
  dpkg -L "$p" | while IFS= read -r f; do
    [ -d "$f" ] && continue   # folders (and links to folders, such as /lib) come with their files
    if [ -L "$f" ] || [ -f "$f" ]; then mkdir -p "$st$(dirname "$f")"; cp -a "$f" "$st$(dirname "$f")/"; fi
  done
  mkdir -p "$st/DEBIAN"
  printf 'Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: tcad gpu-bundle <nobody@localhost>\nDescription: %s as installed on the build machine (repacked)\n' \
    "$p" "$v" "$a" "$p" > "$st/DEBIAN/control"
  dpkg-deb --root-owner-group -Zxz -b "$st" "$dest/${p}_${v//:/%3a}_${a}.deb" >/dev/null; local rc=$?
  rm -rf "$st"; return $rc
}
log "fetching ${#pkgs[@]} packages"
: > "$bundle/packages.txt"
for p in $(printf '%s\n' "${!pkgs[@]}" | sort); do
  v=${pkgs[$p]}
  a=$(dpkg-query -W -f='${Architecture}' "$p")
  ve=${v//:/%3a}
  cached=/var/cache/apt/archives/${p}_${ve}_${a}.deb
  how=""
  if [ -f "$cached" ]; then
    cp "$cached" "$bundle/debs/"
  elif ! (cd "$bundle/debs" && apt-get download -q "$p=$v" >/dev/null 2>&1); then
    # the archive no longer has this exact version (e.g. replaced by a binNMU): pack the
    # installed files themselves, which is what the binaries were linked and tested against
    repack "$p" "$v" "$a" "$bundle/debs" || die "cannot download or repack $p=$v"
    how=", repacked from the installed files"
  fi
  printf '%s=%s  (%s%s)\n' "$p" "$v" "${why[$p]}" "$how" >> "$bundle/packages.txt"
done
printf '%s\n' "${alts[@]+"${alts[@]}"}" | sort -u | sed '/^$/d' > "$bundle/alternatives.txt"
# library folders (relative to /, usr/ form; run-gpu.sh also tries them without usr/)
{ echo usr/lib/x86_64-linux-gnu; printf '%s\n' "${!dirs[@]}" | sort; } | awk '!seen[$0]++' > "$bundle/libdirs.txt"

# 4. Gmsh stand-in: bench/run.sh meshes refined copies of examples/mosfet2d.geo with gmsh, which
#    the GPU machine lacks. Mesh them here with the same arguments and let bin/gmsh replay them
#    (looked up by the .geo's content + arguments; anything else fails as a missing gmsh would).
cp -p "$root/scripts/gmsh-replay.sh" "$bundle/bin/gmsh"
if [ -n "$dd_scales" ]; then
  command -v gmsh >/dev/null || die "gmsh is needed to pre-mesh mosfet2d.geo (GPU_BUNDLE_DD_SCALES=\"\" skips)"
  for s in $dd_scales; do
    args=(-2 -format msh41 -bin -clscale "$s")   # as bench/run.sh calls it
    key=$(bash "$bundle/bin/gmsh" --key "${args[@]}" "$root/examples/mosfet2d.geo")
    gmsh "${args[@]}" "$root/examples/mosfet2d.geo" -o "$bundle/meshes/$key.msh" >/dev/null 2>&1 \
      || die "gmsh failed for mosfet2d.geo -clscale $s"
    echo "$key mosfet2d.geo ${args[*]}" >> "$bundle/meshes/index.txt"
  done
fi

{
  echo "built: $(date -u +%Y-%m-%dT%H:%MZ) on $(. /etc/os-release; echo "$PRETTY_NAME"), $(uname -m)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' + local changes')"
  echo "nvcc: $("$nvcc" --version | tail -n1)"
  echo "arch: $arch"
  echo "bench dd scales replayed: ${dd_scales:-none}"
} > "$bundle/info.txt"

debs_mb=$(du -sm "$bundle/debs" | cut -f1)
total=$(du -sh "$bundle" | cut -f1)
tree=$(git -C "$root" ls-files -co --exclude-standard -z | du -cb --files0-from=- 2>/dev/null | tail -n1 | cut -f1)
log "done: $bundle ($total; .debs ${debs_mb} MiB in $(ls "$bundle/debs" | wc -l) packages; binaries $(du -sh "$bundle/build.tar.xz" | cut -f1) packed)"
log "working tree that travels with it: $((tree / 1024 / 1024)) MiB (the device tool's limit is 64 MiB together)"
log "run on the GPU machine: carry [\".gpu-bundle\"], command: bash .gpu-bundle/run-gpu.sh \"\$OUT\""
