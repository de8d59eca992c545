#!/usr/bin/env bash
# Regenerates the mesh test data in this folder (needs gmsh and python3). The outputs are
# committed; run this only to change them.
set -euo pipefail
cd "$(dirname "$0")"
g() { gmsh "$@" >/dev/null; }

cat > square.geo <<'GEO'
// unit square (um), two regions split at y = 0.5, contacts on the bottom and top edges
Point(1) = {0, 0, 0, 0.1}; Point(2) = {1, 0, 0, 0.1}; Point(3) = {1, 0.5, 0, 0.1};
Point(4) = {0, 0.5, 0, 0.1}; Point(5) = {1, 1, 0, 0.1}; Point(6) = {0, 1, 0, 0.1};
Line(1) = {1, 2}; Line(2) = {2, 3}; Line(3) = {3, 4}; Line(4) = {4, 1};
Line(5) = {3, 5}; Line(6) = {5, 6}; Line(7) = {6, 4};
Curve Loop(1) = {1, 2, 3, 4}; Plane Surface(1) = {1};
Curve Loop(2) = {-3, 5, 6, 7}; Plane Surface(2) = {2};
Physical Surface("bottom") = {1}; Physical Surface("top") = {2};
Physical Curve("south") = {1}; Physical Curve("north") = {6};
Mesh.Algorithm = 6;
GEO
g -2 square.geo -format msh22 -o square-22.msh
g -2 square.geo -format msh22 -bin -o square-22b.msh
g -2 square.geo -format msh41 -o square-41.msh
g -2 square.geo -format msh41 -bin -o square-41b.msh
g -2 square.geo -format msh40 -o square-40.msh
# 2.1: the 2.2 text with the version of 2.1 (nothing tcad reads differs between them; DEVSIM's
# examples are 2.1 files)
sed '2s/^2\.2 0 8$/2.1 0 8/' square-22.msh > square-21.msh
# 2.2 binary written big-endian (Gmsh writes the machine's order; readers must swap): every
# binary field of square-22b.msh byte-swapped
python3 - <<'PY'
import struct
b = open("square-22b.msh", "rb").read()
out = bytearray()
i = b.index(b"\n", b.index(b"$MeshFormat\n") + 12) + 1
out += b[:i] + struct.pack(">i", 1)
i += 4
j = b.index(b"$Nodes\n", i) + 7
out += b[i:j]
k = b.index(b"\n", j) + 1
n = int(b[j:k]); out += b[j:k]; i = k
for _ in range(n):
    tag, x, y, z = struct.unpack_from("<iddd", b, i); out += struct.pack(">iddd", tag, x, y, z); i += 28
j = b.index(b"$Elements\n", i) + 10
out += b[i:j]
k = b.index(b"\n", j) + 1
n = int(b[j:k]); out += b[j:k]; i = k
nv = {1: 2, 2: 3, 15: 1}
while n > 0:
    t, nf, nt = struct.unpack_from("<iii", b, i); out += struct.pack(">iii", t, nf, nt); i += 12
    w = nf * (1 + nt + nv[t])
    out += struct.pack(">%di" % w, *struct.unpack_from("<%di" % w, b, i)); i += 4 * w
    n -= nf
out += b[i:]
open("square-22be.msh", "wb").write(bytes(out))
PY

{ echo '// square.geo with two more face groups: "iface" between the two regions (an interface) and'
  echo '// "west" on the left edge (a boundary group a deck may leave out)'
  cat square.geo
  echo 'Physical Curve("iface") = {3}; Physical Curve("west") = {4, 7};'; } > square-groups.geo
g -2 square-groups.geo -format msh41 -o square-groups-41.msh
g -2 square-groups.geo -format msh22 -o square-groups-22.msh

cat > quads.geo <<'GEO'
// unit square of quadrilaterals (recombined), to test the quad split
Point(1) = {0, 0, 0, 0.15}; Point(2) = {1, 0, 0, 0.15}; Point(3) = {1, 1, 0, 0.15}; Point(4) = {0, 1, 0, 0.15};
Line(1) = {1, 2}; Line(2) = {2, 3}; Line(3) = {3, 4}; Line(4) = {4, 1};
Curve Loop(1) = {1, 2, 3, 4}; Plane Surface(1) = {1};
Recombine Surface {1};
Physical Surface("bulk") = {1}; Physical Curve("south") = {1};
GEO
g -2 quads.geo -format msh41 -o quads-41.msh

cat > cube.geo <<'GEO'
SetFactory("OpenCASCADE");
Box(1) = {0, 0, 0, 1, 1, 1};
Physical Volume("bulk") = {1};
Physical Surface("bottom") = {5}; Physical Surface("top") = {6};
Mesh.MeshSizeMax = 0.2;
Mesh.Optimize = 0;
GEO
g -3 cube.geo -format msh41 -o cube-41.msh

cat > line.geo <<'GEO'
Point(1) = {0, 0, 0, 0.05}; Point(2) = {1, 0, 0, 0.05};
Line(1) = {1, 2};
Physical Curve("silicon") = {1};
Physical Point("left") = {1}; Physical Point("right") = {2};
GEO
g -1 line.geo -format msh41 -o line-41.msh

python3 - <<'PY'
import re
a = open("square-41.msh").read()
# truncated: cut in the middle of $Elements
i = a.index("$Elements"); j = a.index("$EndElements")
open("truncated.msh", "w").write(a[: (i + j) // 2])
# truncated binary: cut in the middle of the binary node block
b = open("square-41b.msh", "rb").read()
i = b.index(b"$Nodes"); j = b.index(b"$EndNodes")
open("truncated-b.msh", "wb").write(b[: (i + j) // 2])
# corrupt: garbage in place of node coordinates
lines = a.split("\n"); s = lines.index("$Nodes"); k = 0
for n in range(s + 3, len(lines)):
    if re.match(r"^-?[0-9.e+-]+ -?[0-9.e+-]+ -?[0-9.e+-]+$", lines[n]) and k < 5:
        lines[n] = "zz%%garbage ?? !!"; k += 1
open("corrupt.msh", "w").write("\n".join(lines))
open("not-a-mesh.msh", "w").write("hello\nthis is not a mesh\n")
PY

# inverted: 4 triangles around a centre node, the centre pushed outside the square, so one
# triangle folds over its neighbour (written by hand, msh 2.2)
cat > inverted.msh <<'MSH'
$MeshFormat
2.2 0 8
$EndMeshFormat
$PhysicalNames
2
1 2 "south"
2 1 "bulk"
$EndPhysicalNames
$Nodes
5
1 0 0 0
2 1 0 0
3 1 1 0
4 0 1 0
5 0.5 -0.3 0
$EndNodes
$Elements
5
1 1 2 2 1 1 2
2 2 2 1 1 1 2 5
3 2 2 1 1 2 3 5
4 2 2 1 1 3 4 5
5 2 2 1 1 4 1 5
$EndElements
MSH
# degenerate: a zero-area triangle (three collinear nodes) among normal ones
cat > degenerate.msh <<'MSH'
$MeshFormat
2.2 0 8
$EndMeshFormat
$PhysicalNames
2
1 2 "south"
2 1 "bulk"
$EndPhysicalNames
$Nodes
5
1 0 0 0
2 1 0 0
3 1 1 0
4 0 1 0
5 0.5 0 0
$EndNodes
$Elements
5
1 1 2 2 1 1 5
2 2 2 1 1 1 5 2
3 2 2 1 1 1 2 3
4 2 2 1 1 1 3 4
5 1 2 2 1 5 2
$EndElements
MSH
echo "test data regenerated"
