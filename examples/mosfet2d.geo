// 2D n-MOSFET for hot-carrier and breakdown studies (examples/mosfet2d.yaml).
// Regenerate:  gmsh -2 -format msh41 mosfet2d.geo -o mosfet2d.msh
//
// Coordinates in micrometres. x runs from source (x = 0) to drain (x = 1);
// y points DOWN into the silicon: the silicon surface is y = 0, the substrate
// bottom y = 0.8, the gate oxide sits above the surface at y in [-0.005, 0].
//
//   y=-0.005        +---[  gate  ]---+                 oxide: x in [0.2, 0.8]
//   y= 0     source +-------oxide----+ drain           gate:  x in [0.375, 0.625]
//            [0,0.2]|                |[0.8,1]
//                   |    silicon     |
//   y= 0.8   +--------------bulk--------------+
//
// Physical groups: surfaces "silicon", "oxide"; curves "source", "drain", "gate", "bulk".
// The Si/SiO2 interface (curve 2) is shared by both surfaces, so the mesh is conforming.
//
// Mesh sizes (size fields, combined with Min):
//   * 1.25 nm in the whole oxide and along the Si/SiO2 interface, growing by about 12 %
//     per element into the silicon (inversion layer / hot-carrier region);
//   * 5 nm around the curved (lateral) part of the source/drain metallurgical junctions,
//     10 nm along their flat bottom (see the doping in mosfet2d.yaml);
//   * at most 60-80 nm deep in the substrate.

tox = 0.005;        // gate oxide thickness
L   = 1.0;          // device width (x)
D   = 0.8;          // silicon depth
xo1 = 0.2;  xo2 = 0.8;      // oxide extent
xg1 = 0.375; xg2 = 0.625;   // gate contact extent (L_gate = 0.25)

hmax = 0.08;        // coarsest element
hox  = 0.00125;     // oxide / interface element

// --- points ---------------------------------------------------------------
Point(1)  = {0,   0,    0, hmax};
Point(2)  = {xo1, 0,    0, hox};
Point(3)  = {xo2, 0,    0, hox};
Point(4)  = {L,   0,    0, hmax};
Point(5)  = {L,   D,    0, hmax};
Point(6)  = {0,   D,    0, hmax};
Point(7)  = {xo1, -tox, 0, hox};
Point(8)  = {xg1, -tox, 0, hox};
Point(9)  = {xg2, -tox, 0, hox};
Point(10) = {xo2, -tox, 0, hox};

// --- curves ---------------------------------------------------------------
Line(1)  = {1, 2};    // source contact (silicon surface, x in [0, 0.2])
Line(2)  = {2, 3};    // Si/SiO2 interface (shared)
Line(3)  = {3, 4};    // drain contact (silicon surface, x in [0.8, 1])
Line(4)  = {4, 5};    // right side (insulating, Neumann)
Line(5)  = {5, 6};    // bulk contact (bottom)
Line(6)  = {6, 1};    // left side (insulating, Neumann)
Line(7)  = {2, 7};    // oxide left side
Line(8)  = {7, 8};    // oxide top, free
Line(9)  = {8, 9};    // gate contact
Line(10) = {9, 10};   // oxide top, free
Line(11) = {10, 3};   // oxide right side

Curve Loop(1) = {1, 2, 3, 4, 5, 6};
Plane Surface(1) = {1};                 // silicon
Curve Loop(2) = {-2, 7, 8, 9, 10, 11};
Plane Surface(2) = {2};                 // oxide

Physical Surface("silicon") = {1};
Physical Surface("oxide")   = {2};
Physical Curve("source") = {1};
Physical Curve("drain")  = {3};
Physical Curve("gate")   = {9};
Physical Curve("bulk")   = {5};

// --- size fields ------------------------------------------------------------
// 1: distance to the Si/SiO2 interface and the oxide boundary curves
Field[1] = Distance;
Field[1].CurvesList = {2, 7, 8, 9, 10, 11};
Field[1].NNodesByEdge = 600;
Field[2] = Threshold;
Field[2].InField = 1;
Field[2].SizeMin = hox;
Field[2].SizeMax = 0.06;
Field[2].DistMin = 0.003;     // keep ~1.25 nm through the first 3 nm of silicon
Field[2].DistMax = 0.5;       // then grow linearly (about 12 % per element)

// 3: whole oxide at hox (box slightly larger than the oxide; silicon near the
//    interface is already at hox from field 2)
Field[3] = Box;
Field[3].VIn  = hox;
Field[3].VOut = hmax;
Field[3].XMin = xo1;  Field[3].XMax = xo2;
Field[3].YMin = -tox; Field[3].YMax = 0;
Field[3].Thickness = 0;

// 4: source/drain junction regions (n+ windows x < 0.35 and x > 0.65, junction depth
//    about 0.08): 5 nm elements in boxes around the curved junction edges near the
//    surface, 10 nm along the flat junction bottoms, grading out over 0.15 um.
Field[4] = Box;
Field[4].VIn = 0.005;  Field[4].VOut = hmax;
Field[4].XMin = 0.30;  Field[4].XMax = 0.45;  Field[4].YMin = 0;  Field[4].YMax = 0.11;
Field[4].Thickness = 0.15;
Field[5] = Box;
Field[5].VIn = 0.005;  Field[5].VOut = hmax;
Field[5].XMin = 0.55;  Field[5].XMax = 0.70;  Field[5].YMin = 0;  Field[5].YMax = 0.11;
Field[5].Thickness = 0.15;
Field[6] = Box;
Field[6].VIn = 0.01;   Field[6].VOut = hmax;
Field[6].XMin = 0;     Field[6].XMax = 1.0;   Field[6].YMin = 0.05;  Field[6].YMax = 0.11;
Field[6].Thickness = 0.2;

Field[9] = Min;
Field[9].FieldsList = {2, 3, 4, 5, 6};
Background Field = 9;

Mesh.MeshSizeExtendFromBoundary = 0;
Mesh.MeshSizeFromPoints = 0;
Mesh.MeshSizeFromCurvature = 0;
Mesh.MeshSizeMax = hmax;
Mesh.Algorithm = 6;          // Frontal-Delaunay
Mesh.Smoothing = 3;          // with this, every edge has a non-negative box-method coupling
Mesh.ElementOrder = 1;
