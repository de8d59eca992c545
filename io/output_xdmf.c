/* The XDMF index beside the HDF5 file: one Uniform grid per finished step (mesh, time, label,
 * fields, step attributes) in a Temporal collection, so ParaView opens the run as a time
 * series. Durability: it is rewritten whole into "<xdmf>.tmp" and rename()d over the XDMF, so
 * the XDMF on disk is always either the previous complete version or the new complete one, and
 * it only ever names steps whose data were flushed before it was written (TcadOutputEndStep
 * flushes the HDF5 file first). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/output_internal.h"

static void xml_escape(FILE *f, const char *s)
{
  for (; *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&apos;", f); break;
    default: fputc(*s, f);
    }
  }
}

/* Shortest of %.15g / %.17g that reads back as the same double (0.1 stays "0.1"). */
static const char *fmt_double(char *buf, size_t n, double v)
{
  snprintf(buf, n, "%.15g", v);
  if (strtod(buf, NULL) != v) snprintf(buf, n, "%.17g", v);
  return buf;
}

static void xdmf_dataitem(FILE *f, const TcadOutput *out, const char *indent, hsize_t d0, int d1, int isint,
                          const char *h5obj)
{
  fprintf(f, "%s<DataItem Dimensions=\"%llu", indent, (unsigned long long)d0);
  if (d1 > 0) fprintf(f, " %d", d1);
  fprintf(f, "\" NumberType=\"%s\" Precision=\"%d\" Format=\"HDF\">", isint ? "Int" : "Float", isint ? 4 : 8);
  xml_escape(f, out->h5ref);
  fprintf(f, ":%s</DataItem>\n", h5obj);
}

/* One Uniform grid: the mesh plus, for a step, its time, fields and step attributes. */
static void xdmf_grid(FILE *f, const TcadOutput *out, const TcadOutputStep *st, int k)
{
  static const char *topo[4] = {"", "Polyline", "Triangle", "Tetrahedron"};
  int has_region = 0;
  char obj[64 + TCAD_OUTPUT_NAME_MAX], num[40];
  if (st)
    fprintf(f, "      <Grid Name=\"step%06d\" GridType=\"Uniform\">\n", k);
  else
    fprintf(f, "    <Grid Name=\"mesh\" GridType=\"Uniform\">\n");
  const char *in = st ? "        " : "      ";
  const char *in2 = st ? "          " : "        ";
  if (st) {
    fprintf(f, "%s<Time Value=\"%s\"/>\n", in, fmt_double(num, sizeof num, st->time));
    fprintf(f, "%s<Information Name=\"label\" Value=\"", in);
    xml_escape(f, st->label);
    fprintf(f, "\"/>\n");
  }
  /* NodesPerElement is required for Polyline and harmless for the fixed-size types. */
  fprintf(f, "%s<Topology TopologyType=\"%s\" NumberOfElements=\"%d\" NodesPerElement=\"%d\">\n", in, topo[out->dim],
          out->ncells, out->nvert);
  xdmf_dataitem(f, out, in2, (hsize_t)out->ncells, out->nvert, 1, "/mesh/topology");
  fprintf(f, "%s</Topology>\n", in);
  fprintf(f, "%s<Geometry GeometryType=\"XYZ\">\n", in);
  xdmf_dataitem(f, out, in2, (hsize_t)out->nnodes, 3, 0, "/mesh/geometry");
  fprintf(f, "%s</Geometry>\n", in);
  if (st) {
    for (int i = 0; i < st->nfields; i++) {
      const TcadOutputField *fl = &st->fields[i];
      const char *type = fl->ncomp == 1 ? "Scalar" : "Vector";
      if (fl->cell && !strcmp(fl->name, "region")) has_region = 1;
      fprintf(f, "%s<Attribute Name=\"%s\" AttributeType=\"%s\" Center=\"%s\">\n", in, fl->name, type,
              fl->cell ? "Cell" : "Node");
      snprintf(obj, sizeof obj, "/steps/%06d/%s", k, fl->name);
      xdmf_dataitem(f, out, in2, (hsize_t)(fl->cell ? out->ncells : out->nnodes), fl->ncomp == 1 ? 0 : fl->ncomp,
                    fl->cell, obj);
      fprintf(f, "%s</Attribute>\n", in);
    }
  }
  if (!has_region) {
    fprintf(f, "%s<Attribute Name=\"region\" AttributeType=\"Scalar\" Center=\"Cell\">\n", in);
    xdmf_dataitem(f, out, in2, (hsize_t)out->ncells, 0, 1, "/mesh/cell_region");
    fprintf(f, "%s</Attribute>\n", in);
  }
  if (st) {
    /* step attributes (contact voltages, ...) as field data: one value per grid */
    for (int i = 0; i < st->nattrs; i++) {
      if (!isfinite(st->attr_value[i])) continue; /* kept in the HDF5 file; XML readers choke on nan */
      fprintf(f, "%s<Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Grid\">\n", in, st->attr_name[i]);
      fprintf(f,
              "%s<DataItem Dimensions=\"1\" NumberType=\"Float\" Precision=\"8\" "
              "Format=\"XML\">%s</DataItem>\n",
              in2, fmt_double(num, sizeof num, st->attr_value[i]));
      fprintf(f, "%s</Attribute>\n", in);
    }
  }
  fprintf(f, "%s</Grid>\n", st ? "      " : "    ");
}

/* Write the XDMF to the temp file, then rename it over the real one (see the top). */
int tcad_output_write_xdmf(TcadOutput *out)
{
  FILE *f = fopen(out->xdmftmp, "w");
  int err = 0;
  if (!f)
    return tcad_error(TCAD_ERR_IO,
                      "%s: cannot create the XDMF file: %s (check the directory "
                      "exists and is writable)",
                      out->xdmftmp, strerror(errno));
  fprintf(f, "<?xml version=\"1.0\" ?>\n"
             "<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n"
             "<Xdmf Version=\"3.0\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n"
             "  <Domain>\n");
  if (out->nsteps == 0) {
    xdmf_grid(f, out, NULL, 0); /* the mesh alone, viewable before the first step ends */
  } else {
    fprintf(f, "    <Grid Name=\"steps\" GridType=\"Collection\" CollectionType=\"Temporal\">\n");
    for (int k = 0; k < out->nsteps; k++) xdmf_grid(f, out, &out->steps[k], k);
    fprintf(f, "    </Grid>\n");
  }
  fprintf(f, "  </Domain>\n</Xdmf>\n");
  errno = 0;
  if (fflush(f) != 0 || ferror(f)) err = errno ? errno : EIO;
  if (!err && fsync(fileno(f)) != 0 && errno != EINVAL && errno != EROFS) err = errno;
  if (fclose(f) != 0 && !err) err = errno ? errno : EIO;
  if (err) {
    unlink(out->xdmftmp);
    return tcad_error(TCAD_ERR_IO, "%s: writing the XDMF file failed: %s", out->xdmftmp, strerror(err));
  }
  if (rename(out->xdmftmp, out->xdmfpath) != 0) {
    err = errno;
    unlink(out->xdmftmp);
    return tcad_error(TCAD_ERR_IO, "%s: cannot replace the XDMF file with %s: %s", out->xdmfpath, out->xdmftmp,
                      strerror(err));
  }
  return 0;
}
