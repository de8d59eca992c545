# ParaView (pvbatch) script: picture of a tcad run's net doping, as a device engineer views it:
# signed log10 of |N_D - N_A| (n-type positive, p-type negative) on the semiconductor, mesh
# edges, insulators in flat grey.
#   xvfb-run -a pvbatch scripts/render-doping.py FIELDS.xdmf OUT.png [TITLE]
import sys
from paraview.simple import *  # noqa: F401,F403 (ParaView's scripting API)

xdmf, png = sys.argv[1], sys.argv[2]
title = sys.argv[3] if len(sys.argv) > 3 else ""
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
calc.Function = "sign(net_doping)*log10(max(abs(net_doping),1))"
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
disp.EdgeColor = [0.25, 0.25, 0.25]
ColorBy(disp, ("POINTS", "signed_log_doping"))
ins = Show(other, view)  # insulators: flat grey, no doping
ins.Representation = "Surface With Edges"
ins.EdgeColor = [0.25, 0.25, 0.25]
ColorBy(ins, None)
ins.AmbientColor = ins.DiffuseColor = [0.8, 0.8, 0.75]
lut = GetColorTransferFunction("signed_log_doping")
lut.ApplyPreset("Cool to Warm", True)
lut.RescaleTransferFunction(-20.0, 20.0)
bar = GetScalarBar(lut, view)
bar.Title = "sign * log10 |N_D - N_A| / cm^-3   (n > 0, p < 0)"
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
view.CameraPosition = [0, 0, 1]
view.CameraFocalPoint = [0, 0, 0]
view.CameraViewUp = [0, -1, 0]  # y grows into the silicon: draw it downward
ResetCamera(view)
view.CameraParallelScale *= 0.75
Render(view)
SaveScreenshot(png, view, ImageResolution=[1600, 1000])
print("wrote", png)
