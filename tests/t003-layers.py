"""The layering rules of docs/architecture.md, checked on the sources and the built objects:
- who may include whom (kernels/ and kernels/physics/ never see solver/, io/, mesh/, PETSc, HDF5
  or libyaml; core/ only libc and, in its PETSc bridge, PETSc; mesh/ never solver/ or app/);
- no call cycle between the files of mesh/ (from the objects' symbol tables: file a calls file b
  when a's undefined symbols are defined in b);
- every macro the library defines carries the TCAD_ prefix (header guards included), save the
  few a system header reads under its own name.
Usage: t003-layers.py BUILD_DIR (tests/run.sh passes it)."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import pytap  # noqa: E402

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build")
if not os.path.isabs(build):
    build = os.path.join(root, build)


def sources(folder, exts=(".c", ".h", ".cu", ".cuh")):
    out = []
    for dirpath, _, files in os.walk(os.path.join(root, folder)):
        out += [os.path.join(dirpath, f) for f in files if f.endswith(exts)]
    return sorted(out)


def includes(path):
    """(quoted, angled) include names of a file"""
    q, a = [], []
    for line in open(path, encoding="utf-8"):
        m = re.match(r'\s*#\s*include\s*([<"])([^>"]+)[>"]', line)
        if m:
            (q if m.group(1) == '"' else a).append(m.group(2))
    return q, a


def rel(p):
    return os.path.relpath(p, root)


# --- includes
rules = [
    ("kernels/physics", lambda q: q.startswith("kernels/physics/") or q == "tcad/hd.h",
     lambda a: a in ("math.h",)),
    ("kernels", lambda q: q.startswith("kernels/") or q in ("tcad/hd.h", "tcad/error.h", "tcad/clock.h"),
     lambda a: not re.match(r"(petsc|hdf5|yaml|mpi)", a)),
    ("core", lambda q: q.startswith("tcad/"), lambda a: not re.match(r"(hdf5|yaml)", a)),
    ("mesh", lambda q: not re.match(r"(solver|app|bench|tests)/", q), lambda a: not a.startswith("yaml")),
]
for folder, quoted_ok, angled_ok in rules:
    bad = []
    for f in sources(folder):
        if folder == "kernels" and "/physics/" in f:
            continue  # its own, stricter rule
        q, a = includes(f)
        bad += [f"{rel(f)}: \"{x}\"" for x in q if not quoted_ok(x)]
        bad += [f"{rel(f)}: <{x}>" for x in a if not angled_ok(x)]
        if folder == "core" and not f.endswith("petsc_error.c"):
            bad += [f"{rel(f)}: <{x}>" for x in a if x.startswith("petsc")]
    pytap.check(not bad, f"layers.includes.{folder.replace('/', '_')}", "; ".join(bad[:8]))

# --- call cycles between the files of mesh/
objs = {rel(f)[:-2]: os.path.join(build, rel(f)[:-2] + ".o") for f in sources("mesh", (".c",))}
missing = [o for o in objs.values() if not os.path.exists(o)]
if missing:
    pytap.skip("layers.mesh_no_call_cycles", f"objects not built: {missing[0]}")
else:
    defined, undefined = {}, {}
    for name, o in objs.items():
        out = subprocess.run(["nm", o], capture_output=True, text=True, check=True).stdout
        undefined[name] = {l.split()[-1] for l in out.splitlines() if l.split()[:1] == ["U"]}
        for l in out.splitlines():
            parts = l.split()
            if len(parts) == 3 and parts[1] in "TDBR":
                defined[parts[2]] = name
    calls = {n: {defined[s] for s in u if s in defined and defined[s] != n} for n, u in undefined.items()}
    cycles = []

    def walk(start, node, path):
        for nxt in calls[node]:
            if nxt == start:
                cycles.append(" -> ".join(path + [nxt]))
            elif nxt not in path and nxt > start:
                walk(start, nxt, path + [nxt])

    for n in sorted(calls):
        walk(n, n, [n])
    pytap.check(not cycles, "layers.mesh_no_call_cycles", "; ".join(cycles[:4]))

# --- macro prefixes
allowed = {"DISABLE_CUSPARSE_DEPRECATED",  # read by cusparse.h under this name
           "_POSIX_C_SOURCE", "_GNU_SOURCE", "_XOPEN_SOURCE"}
bad = []
for folder in ("include", "core", "kernels", "mesh", "io", "solver", "app"):
    for f in sources(folder):
        for ln, line in enumerate(open(f, encoding="utf-8"), 1):
            m = re.match(r"\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)", line)
            if m and not m.group(1).startswith("TCAD_") and not m.group(1).startswith("tcad_") \
                    and m.group(1) not in allowed:
                bad.append(f"{rel(f)}:{ln}: {m.group(1)}")
pytap.check(not bad, "layers.macro_prefix", "; ".join(bad[:10]))

sys.exit(pytap.status())
