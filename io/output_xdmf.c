/* The XDMF index beside the HDF5 file: one Uniform grid per finished step (mesh, time, label,
 * fields, step attributes) in a Temporal collection, so ParaView opens the run as a time
 * series. The fields of step 0 (the mesh step: doping, volumes, region) that a later step does
 * not write itself are shown on that step too, from step 0's datasets.
 * Durability: the XDMF only ever names steps whose data were flushed before (TcadOutputEndStep
 * flushes the HDF5 file first). It is written whole into "<xdmf>.tmp" and rename()d over the
 * XDMF when it is created, moved, or gets its first step; after that each step is appended in
 * place: its grid and the closing tags go over the old closing tags in one pwrite(), so the
 * cost of a step does not grow with the series, and a process killed at any moment leaves the
 * XDMF with or without that step, complete either way (a write into the page cache is not
 * interrupted part-way by a signal except between pages, which a kill would have to hit within
 * nanoseconds; a crash of the operating system may lose the last steps, as with the HDF5 file
 * and the IV table, none of which is fsync()ed per step). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* A field's Attribute, its data in step k's group. */
static void xdmf_field(FILE *f, const TcadOutput *out, const char *in, const char *in2, const TcadOutputField *fl,
                       int k)
{
  char obj[64 + TCAD_OUTPUT_NAME_MAX];
  fprintf(f, "%s<Attribute Name=\"%s\" AttributeType=\"%s\" Center=\"%s\">\n", in, fl->name,
          fl->ncomp == 1 ? "Scalar" : "Vector", fl->cell ? "Cell" : "Node");
  snprintf(obj, sizeof obj, "/steps/%06d/%s", k, fl->name);
  xdmf_dataitem(f, out, in2, (hsize_t)(fl->cell ? out->ncells : out->nnodes), fl->ncomp == 1 ? 0 : fl->ncomp, fl->cell,
                obj);
  fprintf(f, "%s</Attribute>\n", in);
}

/* One Uniform grid: the mesh plus, for a step, its time, fields and step attributes. */
static void xdmf_grid(FILE *f, const TcadOutput *out, const TcadOutputStep *st, int k)
{
  static const char *topo[4] = {"", "Polyline", "Triangle", "Tetrahedron"};
  int has_region = 0;
  char num[40];
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
      if (st->fields[i].cell && !strcmp(st->fields[i].name, "region")) has_region = 1;
      xdmf_field(f, out, in, in2, &st->fields[i], k);
    }
    /* step 0's fields this step does not have: what does not change along the run */
    const TcadOutputStep *s0 = &out->steps[0];
    for (int i = 0; k > 0 && i < s0->nfields; i++) {
      int own = 0;
      for (int j = 0; j < st->nfields && !own; j++) own = !strcmp(st->fields[j].name, s0->fields[i].name);
      if (own) continue;
      if (s0->fields[i].cell && !strcmp(s0->fields[i].name, "region")) has_region = 1;
      xdmf_field(f, out, in, in2, &s0->fields[i], 0);
    }
  }
  if (!has_region) {
    fprintf(f, "%s<Attribute Name=\"region\" AttributeType=\"Scalar\" Center=\"Cell\">\n", in);
    xdmf_dataitem(f, out, in2, (hsize_t)out->ncells, 0, 1, "/mesh/cell_region");
    fprintf(f, "%s</Attribute>\n", in);
  }
  for (int r = 0; r < out->nregions && out->region_masks; r++) { /* region_<name>: 1 on its cells */
    if (out->region_ncells[r] == 0) continue;
    fprintf(f, "%s<Attribute Name=\"region_", in);
    xml_escape(f, out->region_name[r]);
    fprintf(f, "\" AttributeType=\"Scalar\" Center=\"Cell\">\n");
    fprintf(f, "%s<DataItem Dimensions=\"%d\" NumberType=\"UChar\" Precision=\"1\" Format=\"HDF\">", in2, out->ncells);
    xml_escape(f, out->h5ref);
    fprintf(f, ":/mesh/region_mask/%d</DataItem>\n", r);
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

/* A bias point's step is in the XDMF when it has fields of its own (output.fields_every leaves
 * some with the IV row's attributes and the solver state only); step 0 (the mesh) always. */
static int xdmf_lists(const TcadOutput *out, int k) { return k == 0 || out->steps[k].nfields > 0; }

static const char xdmf_tail[] = "    </Grid>\n  </Domain>\n</Xdmf>\n";

void tcad_output_xdmf_close(TcadOutput *out)
{
  if (out->xfd >= 0) close(out->xfd);
  out->xfd = -1;
  out->xlisted = 0;
}

/* Write the XDMF to the temp file, then rename it over the real one (see the top). */
int tcad_output_write_xdmf(TcadOutput *out)
{
  tcad_output_xdmf_close(out);
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
    for (int k = 0; k < out->nsteps; k++)
      if (xdmf_lists(out, k)) xdmf_grid(f, out, &out->steps[k], k);
  }
  fputs(out->nsteps ? xdmf_tail : xdmf_tail + strlen("    </Grid>\n"), f);
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
  if (out->nsteps > 0) { /* the next steps are appended in place */
    struct stat sb;
    out->xfd = open(out->xdmfpath, O_WRONLY | O_CLOEXEC);
    if (out->xfd < 0 || fstat(out->xfd, &sb) != 0) {
      err = errno;
      tcad_output_xdmf_close(out);
      return tcad_error(TCAD_ERR_IO, "%s: cannot open the XDMF file to append to it: %s", out->xdmfpath, strerror(err));
    }
    out->xtail = (long long)sb.st_size - (long long)strlen(xdmf_tail);
    out->xlisted = out->nsteps;
  }
  return 0;
}

int tcad_output_append_xdmf(TcadOutput *out)
{
  if (out->xfd < 0 || out->xlisted != out->nsteps - 1) return tcad_output_write_xdmf(out);
  if (!xdmf_lists(out, out->nsteps - 1)) { /* nothing to show: the file stays as it is */
    out->xlisted = out->nsteps;
    return 0;
  }
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return tcad_error(TCAD_ERR_MEM, "out of memory for the XDMF grid of step %d", out->nsteps - 1);
  xdmf_grid(f, out, &out->steps[out->nsteps - 1], out->nsteps - 1);
  const long long grid = (long long)ftell(f);
  fputs(xdmf_tail, f);
  if (fclose(f) != 0 || !buf) {
    free(buf);
    return tcad_error(TCAD_ERR_MEM, "out of memory for the XDMF grid of step %d", out->nsteps - 1);
  }
  size_t done = 0;
  int err = 0;
  while (done < len) { /* one call unless the disk is full or a signal cut it short */
    const ssize_t w = pwrite(out->xfd, buf + done, len - done, (off_t)(out->xtail + (long long)done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      err = w < 0 ? errno : EIO;
      break;
    }
    done += (size_t)w;
  }
  free(buf);
  if (err) {
    tcad_output_xdmf_close(out);
    return tcad_error(TCAD_ERR_IO, "%s: appending step %d to the XDMF file failed: %s", out->xdmfpath, out->nsteps - 1,
                      strerror(err));
  }
  out->xtail += grid;
  out->xlisted = out->nsteps;
  return 0;
}
