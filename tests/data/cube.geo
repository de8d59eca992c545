SetFactory("OpenCASCADE");
Box(1) = {0, 0, 0, 1, 1, 1};
Physical Volume("bulk") = {1};
Physical Surface("bottom") = {5}; Physical Surface("top") = {6};
Mesh.MeshSizeMax = 0.2;
Mesh.Optimize = 0;
