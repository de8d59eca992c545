// unit square of quadrilaterals (recombined), to test the quad split
Point(1) = {0, 0, 0, 0.15}; Point(2) = {1, 0, 0, 0.15}; Point(3) = {1, 1, 0, 0.15}; Point(4) = {0, 1, 0, 0.15};
Line(1) = {1, 2}; Line(2) = {2, 3}; Line(3) = {3, 4}; Line(4) = {4, 1};
Curve Loop(1) = {1, 2, 3, 4}; Plane Surface(1) = {1};
Recombine Surface {1};
Physical Surface("bulk") = {1}; Physical Curve("south") = {1};
