Point(1) = {0, 0, 0, 0.05}; Point(2) = {1, 0, 0, 0.05};
Line(1) = {1, 2};
Physical Curve("silicon") = {1};
Physical Point("left") = {1}; Physical Point("right") = {2};
