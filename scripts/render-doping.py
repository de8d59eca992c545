# ParaView (pvbatch) script: picture of a tcad run's net doping, as a device engineer views it:
# signed log10 of |N_D - N_A| (n-type positive, p-type negative) on the semiconductor, mesh
# edges, insulators in flat grey.
#   xvfb-run -a pvbatch scripts/render-doping.py FIELDS.xdmf OUT.png [TITLE [x0,x1,y0,y1]]
import sys
from paraview.simple import *  # noqa: F401,F403 (ParaView's scripting API)

xdmf, png = sys.argv[1], sys.argv[2]
title = sys.argv[3] if len(sys.argv) > 3 else ""
# The Xdmf3 reader gives one unstructured grid per time; ParaView 5.11's XDMF2 reader hands this
# Temporal collection on as a multiblock that the filters below render empty. The doping (and
# material_kind) are shown on every step of a run (docs/output.md), so any time will do.
try:
    src = Xdmf3ReaderS(FileName=[xdmf])
    src.PointArrays = ["net_doping"]
    src.CellArrays = ["material_kind"]
except NameError:
    src = XDMFReader(FileNames=[xdmf])
    src.PointArrayStatus = ["net_doping"]
    src.CellArrayStatus = ["material_kind"]
src.UpdatePipeline()
semi = Threshold(Input=src)
semi.Scalars = ["CELLS", "material_kind"]
semi.LowerThreshold, semi.UpperThreshold = -0.5, 0.5
other = Threshold(Input=src)
other.Scalars = ["CELLS", "material_kind"]
other.LowerThreshold, other.UpperThreshold = 0.5, 2.5
calc = Calculator(Input=semi)
calc.ResultArrayName = "signed_log_doping"
# signed decades above 1e14 cm^-3: keeps 1e16..1e20 apart instead of saturating
calc.Function = "sign(net_doping)*max(log10(max(abs(net_doping),1))-14,0)"
view = CreateView("RenderView")
view.ViewSize = [1600, 1000]
view.Background = [1, 1, 1]
view.OrientationAxesVisibility = 0
try:
    view.UseColorPaletteForBackground = 0
except AttributeError:
    pass
disp = Show(calc, view)
disp.Representation = "Surface With Edges"
disp.EdgeColor = [0.55, 0.55, 0.55]
ColorBy(disp, ("POINTS", "signed_log_doping"))
ins = Show(other, view)  # insulators: flat grey, no doping
ins.Representation = "Surface With Edges"
ins.EdgeColor = [0.25, 0.25, 0.25]
# no colour array: ColorBy(ins, None) fails on Debian's ParaView 5.11 ('NoneType' has no
# attribute ...); clearing the array name works from 5.4 on
ins.ColorArrayName = ["POINTS", ""]
ins.AmbientColor = ins.DiffuseColor = [0.8, 0.8, 0.75]
lut = GetColorTransferFunction("signed_log_doping")
lut.ApplyPreset("Cool to Warm", True)
lut.RescaleTransferFunction(-6.0, 6.0)
bar = GetScalarBar(lut, view)
bar.Title = "sign(N) * (log10|N| - 14),  N = N_D - N_A in cm^-3   (n > 0, p < 0)"
bar.ComponentTitle = ""
bar.TitleColor = bar.LabelColor = [0, 0, 0]
bar.TitleFontSize = 18
bar.LabelFontSize = 16
bar.Visibility = 1
if title:
    t = Text(Text=title)
    td = Show(t, view)
    td.Color = [0, 0, 0]
    td.FontSize = 22
    td.WindowLocation = "Upper Center"
view.InteractionMode = "2D"
# y grows into the silicon, so draw it downward; looking from -z keeps x to the right
view.CameraPosition = [0, 0, -1]
view.CameraFocalPoint = [0, 0, 0]
view.CameraViewUp = [0, -1, 0]
ResetCamera(view)
if len(sys.argv) > 4:  # optional zoom window "x0,x1,y0,y1" in µm
    x0, x1, y0, y1 = (float(v) for v in sys.argv[4].split(","))
    cx, cy = 0.5 * (x0 + x1), 0.5 * (y0 + y1)
    view.CameraPosition = [cx, cy, -10]
    view.CameraFocalPoint = [cx, cy, 0]
    view.CameraParallelScale = 0.5 * max(y1 - y0, (x1 - x0) * 1000 / 1600)
Render(view)
SaveScreenshot(png, view, ImageResolution=[1600, 1000])
print("wrote", png)
