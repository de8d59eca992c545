// Small 3D pn diode of tetrahedra (examples/diode3d.yaml). Coordinates in micrometres.
// Regenerate: gmsh -3 -format msh41 diode3d.geo -o diode3d.msh
// Silicon box x, y in [0, 1], z in [0, 2]; the junction plane z = 1 comes from the deck's
// doping. Contacts: "anode" (z = 0), "cathode" (z = 2). Refined near z = 1.
SetFactory("OpenCASCADE");
Box(1) = {0, 0, 0, 1, 1, 2};
Physical Volume("silicon") = {1};
Physical Surface("anode") = {5};     // z = 0
Physical Surface("cathode") = {6};   // z = 2
Field[1] = Box;
Field[1].VIn = 0.06;  Field[1].VOut = 0.16;
Field[1].XMin = -1;  Field[1].XMax = 2;  Field[1].YMin = -1;  Field[1].YMax = 2;
Field[1].ZMin = 0.8; Field[1].ZMax = 1.2; Field[1].Thickness = 0.4;
Background Field = 1;
Mesh.MeshSizeExtendFromBoundary = 0;
Mesh.MeshSizeFromPoints = 0;
Mesh.MeshSizeFromCurvature = 0;
// Gmsh's tetrahedron optimizer moves nodes and breaks the Delaunay property that the box
// method relies on (176 negative edge couplings with it, 4 boundary ones without).
Mesh.Optimize = 0;
