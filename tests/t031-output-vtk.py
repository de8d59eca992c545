#!/usr/bin/env python3
"""Independent reader check of the field output (io/output.c, docs/output.md).

    t031-output-vtk.py BUILD_DIR

Runs `BUILD_DIR/tests/t030-output --write DIR`, which writes DIR/out{1d,2d,3d}.{h5,xdmf} (three
steps each) and DIR/mesh2d.{h5,xdmf} (mesh only), then reads the XDMF files the way ParaView does,
with VTK's vtkXdmfReader (XDMF2 library) and, when this VTK has it, vtkXdmf3Reader, stepping
through the time steps, and checks the mesh and the field values against the formulas evaluated
at the coordinates VTK returns. The .h5 files are read with h5py for the units and attributes, the region arrays of the XDMF
(region_<name>, 1 on the cells of the formula below), and out1d.h5's /iv table
(V_anode = 0.1k, I_anode = 1e-3 k^2, k = 0..3, columns and units attributes).

Formulas (node coordinates x, y, z in µm, node index i, step k = 0, 1, 2):
    f = x + 2y + 3z + k      v = ((k+1)x, (k+1)y + 1, (k+1)z + 2)      vidx = (k+1) i (1, 2, 3)
    region_id = region = 1 where the cell centroid has x > XSPLIT[dim], else 0
    time = 0.25k      label "Vd=%.2f" % (0.5k)      step attribute V_drain = 0.5k

Prints PASS/FAIL/SKIP lines like tests/tap.h; exits 1 on any failure.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytap import check, skip, status  # noqa: E402


# ------------------------------------------------------------------ the analytic meshes
# Same node order as mesh_analytic() in tests/t030-output.c; only used for the node count, the
# coordinate set and the total measure. Field checks use the coordinates VTK returns.
XS1 = [0, 0.5, 1.2, 2, 3.1, 4]
X2, Y2 = [0, 1, 2.5, 4], [0, 0.7, 1.5]
X3, Y3, Z3 = [0, 1, 2.5], [0, 0.7], [0, 0.8]
XSPLIT = {1: 2.0, 2: 2.0, 3: 1.2}
NCELLS = {1: 5, 2: 12, 3: 12}
MEASURE = {1: 4.0, 2: 4.0 * 1.5, 3: 2.5 * 0.7 * 0.8}  # length, area, volume in µm^d
TIMES = [0.0, 0.25, 0.5]


def expected_nodes(dim):
    if dim == 1:
        return [(x, 0.0, 0.0) for x in XS1]
    if dim == 2:
        return [(x, y, 0.0) for y in Y2 for x in X2]
    return [(x, y, z) for z in Z3 for y in Y3 for x in X3]


# ------------------------------------------------------------------ VTK helpers
def first_dataset(obj):
    """The reader's output, or the first leaf dataset of a composite output."""
    if obj is None:
        return None
    if obj.IsA("vtkCompositeDataSet"):
        it = obj.NewIterator()
        it.InitTraversal()
        while not it.IsDoneWithTraversal():
            ds = it.GetCurrentDataObject()
            if ds is not None and ds.IsA("vtkDataSet"):
                return ds
            it.GoToNextItem()
        return None
    return obj


def cells_of(ds):
    """List of point-id lists and list of VTK cell types."""
    ids, types = [], []
    for c in range(ds.GetNumberOfCells()):
        cell = ds.GetCell(c)
        ids.append([cell.GetPointId(j) for j in range(cell.GetNumberOfPoints())])
        types.append(ds.GetCellType(c))
    return ids, types


def measure(np, pts, cell, dim):
    p = pts[cell]
    if dim == 1:
        return float(np.linalg.norm(p[1] - p[0]))
    if dim == 2:
        return float(0.5 * np.linalg.norm(np.cross(p[1] - p[0], p[2] - p[0])))
    return float(abs(np.linalg.det(np.array([p[1] - p[0], p[2] - p[0], p[3] - p[0]]))) / 6.0)


def check_reader(np, v2n, tag, make_reader, path, dim):
    """Read one time series with one VTK reader class and check everything against formulas."""
    from vtkmodules.vtkCommonExecutionModel import vtkStreamingDemandDrivenPipeline as SDDP
    from vtkmodules.vtkCommonDataModel import vtkDataObject

    name = f"{tag}.{dim}d"
    r = make_reader()
    r.SetFileName(path)
    r.UpdateInformation()
    info = r.GetOutputInformation(0)
    steps = info.Get(SDDP.TIME_STEPS()) if info.Has(SDDP.TIME_STEPS()) else None
    if not check(steps is not None and np.allclose(steps, TIMES), f"{name}.time_steps",
                 f"TIME_STEPS = {steps}, expected {TIMES}"):
        return
    want_nodes = np.array(expected_nodes(dim))
    want_cell_type = {1: (3, 4), 2: (5,), 3: (10,)}[dim]  # VTK_LINE/POLY_LINE, TRIANGLE, TETRA
    for k, t in enumerate(steps):
        sn = f"{name}.t{k}"
        r.UpdateTimeStep(t)
        out = r.GetOutputDataObject(0)
        ds = first_dataset(out)
        if not check(ds is not None and ds.GetNumberOfPoints() > 0, f"{sn}.output",
                     f"no dataset in the output ({out.GetClassName() if out else None})"):
            continue
        dt = out.GetInformation().Get(vtkDataObject.DATA_TIME_STEP())
        check(dt is not None and abs(dt - t) < 1e-12, f"{sn}.data_time", f"DATA_TIME_STEP {dt} != {t}")
        n = ds.GetNumberOfPoints()
        check(n == len(want_nodes) and ds.GetNumberOfCells() == NCELLS[dim], f"{sn}.counts",
              f"{n} points, {ds.GetNumberOfCells()} cells; expected {len(want_nodes)}, {NCELLS[dim]}")
        pts = v2n(ds.GetPoints().GetData()).astype(float)
        check(pts.shape == want_nodes.shape and np.allclose(pts, want_nodes, atol=1e-12),
              f"{sn}.coordinates_um", f"coordinates differ:\n{pts}")
        ids, types = cells_of(ds)
        ok_cells = all(ty in want_cell_type for ty in types) and all(len(c) == dim + 1 for c in ids)
        check(ok_cells, f"{sn}.cell_types", f"types {set(types)}, sizes {set(len(c) for c in ids)}")
        if not ok_cells:
            continue
        meas = [measure(np, pts, c, dim) for c in ids]
        check(min(meas) > 0 and abs(sum(meas) - MEASURE[dim]) < 1e-9, f"{sn}.total_measure",
              f"sum {sum(meas)} (min {min(meas)}), expected {MEASURE[dim]}")

        x, y, z = pts[:, 0], pts[:, 1], pts[:, 2]
        pd, cd, fd = ds.GetPointData(), ds.GetCellData(), ds.GetFieldData()
        a = pd.GetArray("f")
        got = v2n(a) if a is not None else None
        check(got is not None and got.shape == (n,) and np.allclose(got, x + 2 * y + 3 * z + k,
                                                                   rtol=1e-14, atol=1e-12),
              f"{sn}.scalar_f", f"f = {got}")
        a = pd.GetArray("v")
        got = v2n(a) if a is not None else None
        want = np.column_stack([(k + 1) * x, (k + 1) * y + 1, (k + 1) * z + 2])
        check(got is not None and got.shape == (n, 3) and np.allclose(got, want, rtol=1e-14, atol=1e-12),
              f"{sn}.vector_v", f"v = {got}")
        check(pd.GetVectors() is not None and pd.GetVectors().GetName() in ("v", "vidx"),
              f"{sn}.vector_is_vectors", "no active vectors (AttributeType Vector not honoured)")
        a = pd.GetArray("vidx")
        got = v2n(a) if a is not None else None
        want = (k + 1) * np.outer(np.arange(n), [1.0, 2.0, 3.0])
        check(got is not None and got.shape == (n, 3) and np.array_equal(got, want),
              f"{sn}.vector_node_order", f"vidx = {got}")
        centroid_x = np.array([pts[c, 0].mean() for c in ids])
        want_reg = (centroid_x > XSPLIT[dim]).astype(int)
        for arr in ("region_id", "region"):
            a = cd.GetArray(arr)
            got = v2n(a) if a is not None else None
            check(got is not None and got.shape == (len(ids),) and np.array_equal(got, want_reg)
                  and a.GetDataTypeAsString() == "int",
                  f"{sn}.cell_{arr}", f"{arr} = {got} ({a.GetDataTypeAsString() if a else None}),"
                  f" expected {want_reg}")
        a = fd.GetArray("V_drain")
        got = v2n(a) if a is not None else None
        check(got is not None and got.size == 1 and abs(float(got.ravel()[0]) - 0.5 * k) < 1e-15,
              f"{sn}.field_V_drain", f"V_drain = {got}")


def check_mesh_only(np, v2n, tag, make_reader, path):
    from vtkmodules.vtkCommonExecutionModel import vtkStreamingDemandDrivenPipeline as SDDP
    r = make_reader()
    r.SetFileName(path)
    r.UpdateInformation()
    info = r.GetOutputInformation(0)
    ts = info.Get(SDDP.TIME_STEPS()) if info.Has(SDDP.TIME_STEPS()) else None
    r.Update()
    ds = first_dataset(r.GetOutputDataObject(0))
    reg = ds.GetCellData().GetArray("region") if ds is not None else None
    check(ds is not None and ds.GetNumberOfPoints() == 12 and ds.GetNumberOfCells() == 12
          and not ts and reg is not None, f"{tag}.mesh_only",
          f"dataset {ds and ds.GetNumberOfPoints()} points, time steps {ts}, region {reg}")


def check_h5(np, h5py, d):
    for dim in (1, 2, 3):
        name = f"h5py.{dim}d"
        with h5py.File(os.path.join(d, f"out{dim}d.h5"), "r") as f:
            check(f.attrs.get("format") == "tcad-fields" and int(f.attrs.get("version", 0)) == 1,
                  f"{name}.root_attrs", f"{dict(f.attrs)}")
            g = f["mesh/geometry"]
            check(g.shape == (len(expected_nodes(dim)), 3) and g.attrs.get("units") == "um"
                  and np.allclose(g[...], expected_nodes(dim)), f"{name}.geometry",
                  f"shape {g.shape} units {g.attrs.get('units')!r}")
            m = f["mesh"]
            check(int(m.attrs["dim"]) == dim and m["topology"].shape == (NCELLS[dim], dim + 1)
                  and m["topology"].dtype == np.int32 and m["cell_region"].shape == (NCELLS[dim],),
                  f"{name}.topology", f"attrs {dict(m.attrs)} topology {m['topology'].shape}")
            names = [s.decode() if isinstance(s, bytes) else s for s in m["region_names"][...]]
            check(names == ["substrate", "oxide"], f"{name}.region_names", f"{names}")
            # each region a cell array region_<name> in every grid of the XDMF: 1 on the cells
            # of the formula (centroid x > XSPLIT: oxide), from the geometry and topology here
            cx = g[...][m["topology"][...]][:, :, 0].mean(axis=1)
            want = {"substrate": cx <= XSPLIT[dim], "oxide": cx > XSPLIT[dim]}
            root = ET.parse(os.path.join(d, f"out{dim}d.xdmf")).getroot()
            grids = [e for e in root.iter("Grid") if e.get("GridType") == "Uniform"]
            masks_ok = len(grids) == 3
            for grid in grids:
                arrs = {e.get("Name")[7:]: e for e in grid.findall("Attribute")
                        if e.get("Name").startswith("region_") and e.get("Name") != "region_id"}
                masks_ok &= sorted(arrs) == sorted(want)
                for rname, e in arrs.items():
                    item = e.find("DataItem")
                    mask = f[item.text.strip().split(":", 1)[1]][...]
                    masks_ok &= (e.get("Center") == "Cell" and item.get("NumberType") == "UChar"
                                 and np.array_equal(mask, want[rname].astype(np.uint8)))
            check(masks_ok, f"{name}.region_masks_by_name", f"{len(grids)} grids; arrays of the first: "
                  f"{[e.get('Name') for e in grids[0].findall('Attribute')] if grids else []}")
            check(int(f["steps"].attrs["nsteps"]) == 3 and sorted(f["steps"].keys()) ==
                  ["000000", "000001", "000002"], f"{name}.steps", f"{list(f['steps'].keys())}")
            for k in range(3):
                s = f[f"steps/{k:06d}"]
                check(float(s.attrs["time"]) == TIMES[k] and s.attrs["label"] == "Vd=%.2f" % (0.5 * k)
                      and float(s.attrs["V_drain"]) == 0.5 * k, f"{name}.step{k}.attrs", f"{dict(s.attrs)}")
                ok = (s["f"].attrs.get("units") == "V" and s["v"].attrs.get("units") == "A/cm^2"
                      and s["f"].shape == (len(expected_nodes(dim)),)
                      and s["v"].shape == (len(expected_nodes(dim)), 3)
                      and s["region_id"].dtype == np.int32)
                check(ok, f"{name}.step{k}.units_shapes",
                      f"units f {s['f'].attrs.get('units')!r} v {s['v'].attrs.get('units')!r}")
            if dim == 1:  # the IV table written by TcadOutputWriteTable (docs/output.md)
                iv = f["iv"]
                want = np.array([[0.1 * k, 1e-3 * k * k] for k in range(4)])
                check(iv.shape == (4, 2) and iv.dtype == np.float64 and np.array_equal(iv[...], want),
                      f"{name}.iv_values", f"shape {iv.shape} dtype {iv.dtype}\n{iv[...]}")
                check(list(iv.attrs["columns"]) == ["V_anode", "I_anode"]
                      and list(iv.attrs["units"]) == ["V", "A/cm^2"], f"{name}.iv_columns",
                      f"columns {iv.attrs.get('columns')!r} units {iv.attrs.get('units')!r}")


def check_xml(d):
    for dim in (1, 2, 3):
        path = os.path.join(d, f"out{dim}d.xdmf")
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            check(False, f"xml.{dim}d.well_formed", str(e))
            continue
        items = [e.text.strip() for e in root.iter("DataItem") if e.get("Format") == "HDF"]
        check(root.tag == "Xdmf" and root.get("Version") == "3.0" and items
              and all(t.startswith(f"out{dim}d.h5:/") for t in items), f"xml.{dim}d.relative_refs",
              f"version {root.get('Version')}, refs {items[:3]}")


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if not os.path.isabs(build):
        build = os.path.join(root, build)
    exe = os.path.join(build, "tests", "t030-output")
    if not check(os.access(exe, os.X_OK), "setup.writer_built", f"{exe} not found (build first)"):
        return 1
    base = os.environ.get("TCAD_TEST_TMP") or None
    tmp = tempfile.mkdtemp(prefix="t031-", dir=base)
    try:
        d = os.path.join(tmp, "run")
        os.mkdir(d)
        p = subprocess.run([exe, "--write", d], capture_output=True, text=True)
        if not check(p.returncode == 0, "setup.write", f"exit {p.returncode}: {p.stderr.strip()}"):
            return 1
        check_xml(d)
        try:
            import numpy as np
        except ImportError as e:
            skip("numpy", f"numpy cannot be imported ({e}); install the test helpers: make test-deps")
            return status()
        try:
            import h5py
        except ImportError as e:
            h5py = None
            skip("h5py", f"h5py cannot be imported ({e})")
        if h5py is not None:
            check_h5(np, h5py, d)
        try:
            from vtkmodules.util.numpy_support import vtk_to_numpy as v2n
            from vtkmodules.vtkIOXdmf2 import vtkXdmfReader
        except ImportError as e:
            skip("vtk", f"VTK with the XDMF reader cannot be imported ({e}); make test-deps installs it")
            return status()
        readers = [("vtkXdmfReader", vtkXdmfReader)]
        try:
            from vtkmodules.vtkIOXdmf3 import vtkXdmf3Reader
            readers.append(("vtkXdmf3Reader", vtkXdmf3Reader))
        except ImportError:
            skip("vtkXdmf3Reader", "this VTK build has no XDMF3 reader (pip's vtk ships only XDMF2); "
                 "ParaView's 'Xdmf3 Reader S/T' are built on it")
        for tag, cls in readers:
            for dim in (1, 2, 3):
                check_reader(np, v2n, tag, cls, os.path.join(d, f"out{dim}d.xdmf"), dim)
            check_mesh_only(np, v2n, tag, cls, os.path.join(d, "mesh2d.xdmf"))
        # the .h5/.xdmf pair moved together to another folder still opens (relative reference)
        moved = os.path.join(tmp, "moved")
        os.mkdir(moved)
        for ext in ("h5", "xdmf"):
            shutil.move(os.path.join(d, f"out2d.{ext}"), moved)
        shutil.rmtree(d)
        check_reader(np, v2n, "moved.vtkXdmfReader", vtkXdmfReader, os.path.join(moved, "out2d.xdmf"), 2)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return status()


if __name__ == "__main__":
    sys.exit(main())
