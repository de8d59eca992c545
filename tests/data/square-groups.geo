// square.geo with two more face groups: "iface" between the two regions (an interface) and
// "west" on the left edge (a boundary group a deck may leave out)
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
Physical Curve("iface") = {3}; Physical Curve("west") = {4, 7};
