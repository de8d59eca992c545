/* The field file survives a kill at any moment: an HDF5 file driver with an undo journal.
 *
 * Why: HDF5 1.10 writes its metadata in no fixed order during a flush, and may write evicted
 * metadata between flushes. A run killed inside that window leaves a file whose group B-tree,
 * local heap and superblock disagree: steps committed long before the kill can no longer be
 * opened ("addr overflow", "bad symbol table node signature": t068 met both, about one kill in a
 * hundred). Every completed flush, on the other hand, leaves a consistent file.
 *
 * What: file I/O through POSIX pread/pwrite (what HDF5's default driver does), plus a journal
 * "<file>.undo". The file's size at the last completed flush is its committed size; before a
 * write overwrites bytes below it, the bytes it would destroy are appended to the journal
 * (write(2) has returned before the overwrite is issued). Bytes appended past the committed
 * size need no record. After each completed H5Fflush the writer calls tcad_output_undo_commit:
 * the committed size moves to the file's end and the journal is emptied. Opening the file for
 * writing again first applies the journal's records backwards and cuts the file to the
 * committed size: it is then, byte for byte, what the last completed flush left.
 *
 * Journal layout (host byte order; a transient file of one machine):
 *   "TCADUNDO" (8 bytes), u64 committed size, then records: u64 address, u64 length, the
 *   length bytes as they were. A record cut short by the kill is ignored: its overwrite had not
 *   been issued.
 *
 * Scope: a killed process (SIGKILL, a batch system's time limit, the OOM killer): the kernel
 * holds every write(2) the process finished. Surviving a power cut would also need fsync
 * ordering, which neither HDF5's default driver nor this one does (docs/output.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/output_internal.h"

#define TCAD_UNDO_MAGIC "TCADUNDO"
#define TCAD_UNDO_HEADER 16 /* magic, committed size */
#define TCAD_UNDO_RECORD 16 /* address, length */
#define TCAD_UNDO_MAXADDR ((haddr_t)INT64_MAX)

typedef struct {
  H5FD_t pub; /* first: the library reads and sets its fields */
  int fd;
  int jfd;        /* the journal, open from its first record until the file is closed (-1: none) */
  off_t jsize;    /* bytes in it (0: empty) */
  int journal;    /* the file is open for writing: overwrites are journalled */
  haddr_t eoa;    /* end of the space HDF5 has allocated */
  haddr_t eof;    /* end of the file on disk */
  haddr_t commit; /* the committed size: bytes below it are as the last completed flush left them */
  dev_t dev;
  ino_t ino;
  char *jpath;
} UndoFile;

/* test hooks (tcad_output_undo_test): the process exits before write number crash_at; the
 * journal can be switched off to show what a kill does without it */
static long undo_writes, undo_crash_at = -1;
static int undo_off;

static char *journal_name(const char *path)
{
  const size_t n = strlen(path);
  char *j = malloc(n + 6);
  if (j) memcpy(j, path, n), memcpy(j + n, ".undo", 6);
  return j;
}

static herr_t vfd_fail(const char *func, int line, const char *what, const UndoFile *f, int err)
{
  H5Epush2(H5E_DEFAULT, __FILE__, func, (unsigned)line, H5E_ERR_CLS, H5E_VFL, H5E_WRITEERROR, "%s%s%s: %s", what,
           f && f->jpath ? " " : "", f && f->jpath ? f->jpath : "", strerror(err));
  return -1;
}
#define TCAD_UNDO_FAIL(what, f) vfd_fail(__func__, __LINE__, (what), (f), errno)

static int pwrite_all(int fd, const void *buf, size_t n, off_t at)
{
  const char *p = buf;
  while (n > 0) {
    const ssize_t w = pwrite(fd, p, n > (1u << 30) ? (1u << 30) : n, at);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      if (w == 0) errno = EIO;
      return -1;
    }
    p += w, n -= (size_t)w, at += w;
  }
  return 0;
}

/* n bytes at `at`; what lies past the end of the file reads as zeros */
static int pread_all(int fd, void *buf, size_t n, off_t at)
{
  char *p = buf;
  while (n > 0) {
    const ssize_t r = pread(fd, p, n > (1u << 30) ? (1u << 30) : n, at);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) {
      memset(p, 0, n);
      return 0;
    }
    p += r, n -= (size_t)r, at += r;
  }
  return 0;
}

/* Append a record of the n bytes at addr (as they are now) to the journal. */
static int journal_save(UndoFile *f, haddr_t addr, haddr_t n)
{
  if (!n || undo_off) return 0;
  if (f->jfd < 0) {
    f->jfd = open(f->jpath, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (f->jfd < 0) return TCAD_UNDO_FAIL("cannot create the undo journal", f);
    f->jsize = 0;
  }
  const size_t head = f->jsize ? 0 : TCAD_UNDO_HEADER, len = head + TCAD_UNDO_RECORD + (size_t)n;
  unsigned char *buf = malloc(len);
  if (!buf) return vfd_fail(__func__, __LINE__, "out of memory for the undo journal", f, ENOMEM);
  if (head) {
    const uint64_t c = (uint64_t)f->commit;
    memcpy(buf, TCAD_UNDO_MAGIC, 8), memcpy(buf + 8, &c, 8);
  }
  const uint64_t rec[2] = {(uint64_t)addr, (uint64_t)n};
  memcpy(buf + head, rec, sizeof rec);
  int rc = pread_all(f->fd, buf + head + TCAD_UNDO_RECORD, (size_t)n, (off_t)addr);
  /* one write(2): the record is whole in the journal, or cut short and ignored */
  if (!rc) rc = pwrite_all(f->jfd, buf, len, f->jsize);
  free(buf);
  if (rc) return TCAD_UNDO_FAIL("cannot write the undo journal", f);
  f->jsize += (off_t)len;
  return 0;
}

/* ---- recovery */

void tcad_output_undo_closed(const char *path)
{
  char *j = journal_name(path);
  if (j) unlink(j);
  free(j);
}

int tcad_output_undo_pending(const char *path)
{
  char *j = journal_name(path);
  struct stat st;
  const int pending = j && !stat(j, &st) && st.st_size >= TCAD_UNDO_HEADER + TCAD_UNDO_RECORD;
  free(j);
  return pending;
}

int tcad_output_undo_recover(const char *path, int *nrecords)
{
  char *j = journal_name(path);
  unsigned char *buf = NULL;
  size_t *at = NULL;
  int jfd = -1, fd = -1, rc = 0, n = 0;
  struct stat st;
  *nrecords = 0;
  if (!j) return TCAD_ERR_MEM;
  if ((jfd = open(j, O_RDONLY)) < 0) {
    if (errno != ENOENT) rc = tcad_error(TCAD_ERR_IO, "cannot read the undo journal %s: %s", j, strerror(errno));
    goto done;
  }
  if (fstat(jfd, &st)) {
    rc = tcad_error(TCAD_ERR_IO, "cannot read the undo journal %s: %s", j, strerror(errno));
    goto done;
  }
  if (st.st_size >= TCAD_UNDO_HEADER + TCAD_UNDO_RECORD) { /* else no overwrite was issued: nothing to undo */
    const size_t len = (size_t)st.st_size;
    uint64_t commit;
    buf = malloc(len);
    at = malloc(sizeof *at * (len / TCAD_UNDO_RECORD + 1));
    if (!buf || !at) {
      rc = tcad_error(TCAD_ERR_MEM, "out of memory for the undo journal %s (%zu bytes)", j, len);
      goto done;
    }
    if (pread_all(jfd, buf, len, 0)) {
      rc = tcad_error(TCAD_ERR_IO, "cannot read the undo journal %s: %s", j, strerror(errno));
      goto done;
    }
    if (memcmp(buf, TCAD_UNDO_MAGIC, 8)) {
      rc = tcad_error(TCAD_ERR_IO,
                      "%s is not a tcad undo journal; move it away (the field file %s may then be damaged: run "
                      "the study again without --resume)",
                      j, path);
      goto done;
    }
    memcpy(&commit, buf + 8, 8);
    for (size_t p = TCAD_UNDO_HEADER; p + TCAD_UNDO_RECORD <= len;) {
      uint64_t rec[2];
      memcpy(rec, buf + p, sizeof rec);
      if (rec[1] > len - p - TCAD_UNDO_RECORD) break; /* cut short by the kill: its overwrite never began */
      at[n++] = p;
      p += TCAD_UNDO_RECORD + (size_t)rec[1];
    }
    if ((fd = open(path, O_RDWR)) < 0) {
      rc = tcad_error(TCAD_ERR_IO, "cannot open %s to undo the writes after its last flush: %s", path, strerror(errno));
      goto done;
    }
    /* backwards: where a region was saved twice, the older bytes are the last written */
    for (int k = n - 1; k >= 0; k--) {
      uint64_t rec[2];
      memcpy(rec, buf + at[k], sizeof rec);
      if (pwrite_all(fd, buf + at[k] + TCAD_UNDO_RECORD, (size_t)rec[1], (off_t)rec[0])) {
        rc = tcad_error(TCAD_ERR_IO, "cannot undo the writes to %s after its last flush: %s", path, strerror(errno));
        goto done;
      }
    }
    if (ftruncate(fd, (off_t)commit) || fsync(fd)) {
      rc = tcad_error(TCAD_ERR_IO, "cannot cut %s back to its last flush: %s", path, strerror(errno));
      goto done;
    }
    *nrecords = n;
  }
  close(jfd), jfd = -1;
  if (unlink(j) && errno != ENOENT)
    rc = tcad_error(TCAD_ERR_IO, "cannot remove the undo journal %s: %s", j, strerror(errno));
done:
  if (fd >= 0) close(fd);
  if (jfd >= 0) close(jfd);
  free(at);
  free(buf);
  free(j);
  return rc;
}

int TcadOutputRepair(const char *h5path, int *nrecords) { TCAD_RETURN(tcad_output_undo_recover(h5path, nrecords)); }

/* ---- the driver */

static H5FD_t *undo_open(const char *name, unsigned flags, hid_t fapl, haddr_t maxaddr)
{
  (void)fapl, (void)maxaddr;
  const int rw = (flags & H5F_ACC_RDWR) != 0;
  int oflags = rw ? O_RDWR : O_RDONLY, nrec;
  if (flags & H5F_ACC_TRUNC) oflags |= O_TRUNC;
  if (flags & H5F_ACC_CREAT) oflags |= O_CREAT;
  if (flags & H5F_ACC_EXCL) oflags |= O_EXCL;
  UndoFile *f = calloc(1, sizeof *f);
  if (!f || !(f->jpath = journal_name(name))) {
    if (f) free(f);
    vfd_fail(__func__, __LINE__, "out of memory opening", NULL, ENOMEM);
    return NULL;
  }
  f->fd = f->jfd = -1;
  if (flags & H5F_ACC_TRUNC)
    unlink(f->jpath); /* a new file: an earlier run's journal is not its */
  else if (rw) {
    if (tcad_output_undo_recover(name, &nrec)) goto fail;
  } else if (tcad_output_undo_pending(name)) {
    errno = EBUSY; /* being written, or left by a killed run: only a writer may undo */
    TCAD_UNDO_FAIL("the file was left mid-write; the undo journal is", f);
    goto fail;
  }
  if ((f->fd = open(name, oflags, 0666)) < 0) {
    TCAD_UNDO_FAIL("cannot open", NULL);
    goto fail;
  }
  struct stat st;
  if (fstat(f->fd, &st)) {
    TCAD_UNDO_FAIL("cannot stat", NULL);
    goto fail;
  }
  f->eof = (haddr_t)st.st_size;
  f->commit = (flags & H5F_ACC_TRUNC) ? 0 : f->eof;
  f->journal = rw;
  f->dev = st.st_dev, f->ino = st.st_ino;
  return &f->pub;
fail:
  if (f->fd >= 0) close(f->fd);
  free(f->jpath);
  free(f);
  return NULL;
}

static herr_t undo_close(H5FD_t *_f)
{
  UndoFile *f = (UndoFile *)_f;
  herr_t rc = 0;
  if (f->fd >= 0 && close(f->fd)) rc = TCAD_UNDO_FAIL("cannot close", NULL);
  if (f->jfd >= 0) {
    close(f->jfd);
    /* a journal with records stays: what was written after the last commit is undone when the
     * file is next opened for writing */
    if (!f->jsize) unlink(f->jpath);
  }
  free(f->jpath);
  free(f);
  return rc;
}

static int undo_cmp(const H5FD_t *_a, const H5FD_t *_b)
{
  const UndoFile *a = (const UndoFile *)_a, *b = (const UndoFile *)_b;
  if (a->dev != b->dev) return a->dev < b->dev ? -1 : 1;
  if (a->ino != b->ino) return a->ino < b->ino ? -1 : 1;
  return 0;
}

static herr_t undo_query(const H5FD_t *f, unsigned long *flags)
{
  (void)f;
  *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA | H5FD_FEAT_DATA_SIEVE |
           H5FD_FEAT_AGGREGATE_SMALLDATA | H5FD_FEAT_DEFAULT_VFD_COMPATIBLE;
  return 0;
}

static haddr_t undo_get_eoa(const H5FD_t *f, H5FD_mem_t type)
{
  (void)type;
  return ((const UndoFile *)f)->eoa;
}

static herr_t undo_set_eoa(H5FD_t *f, H5FD_mem_t type, haddr_t addr)
{
  (void)type;
  ((UndoFile *)f)->eoa = addr;
  return 0;
}

static haddr_t undo_get_eof(const H5FD_t *f, H5FD_mem_t type)
{
  (void)type;
  return ((const UndoFile *)f)->eof;
}

/* the file's own object: tcad_output_undo_commit finds it through H5Fget_vfd_handle */
static herr_t undo_get_handle(H5FD_t *f, hid_t fapl, void **handle)
{
  (void)fapl;
  *handle = f;
  return 0;
}

/* addr + size lies outside the space HDF5 has allocated (said on HDF5's error stack) */
static int outside(const UndoFile *f, const char *op, haddr_t addr, size_t size)
{
  if (addr != HADDR_UNDEF && addr <= TCAD_UNDO_MAXADDR && size <= TCAD_UNDO_MAXADDR - addr && addr + size <= f->eoa)
    return 0;
  H5Epush2(H5E_DEFAULT, __FILE__, __func__, __LINE__, H5E_ERR_CLS, H5E_VFL, H5E_OVERFLOW,
           "%s of %zu bytes at %llu beyond the allocated %llu", op, size, (unsigned long long)addr,
           (unsigned long long)f->eoa);
  return 1;
}

static herr_t undo_read(H5FD_t *_f, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size, void *buf)
{
  UndoFile *f = (UndoFile *)_f;
  (void)type, (void)dxpl;
  if (outside(f, "read", addr, size)) return -1;
  if (pread_all(f->fd, buf, size, (off_t)addr)) return TCAD_UNDO_FAIL("cannot read", NULL);
  return 0;
}

static herr_t undo_write(H5FD_t *_f, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size, const void *buf)
{
  UndoFile *f = (UndoFile *)_f;
  (void)type, (void)dxpl;
  if (outside(f, "write", addr, size)) return -1;
  if (undo_crash_at >= 0 && undo_writes == undo_crash_at) _exit(TCAD_OUTPUT_UNDO_TEST_EXIT);
  undo_writes++;
  if (f->journal && addr < f->commit) {
    const haddr_t end = addr + size < f->commit ? addr + size : f->commit;
    if (journal_save(f, addr, end - addr)) return -1;
  }
  if (pwrite_all(f->fd, buf, size, (off_t)addr)) return TCAD_UNDO_FAIL("cannot write", NULL);
  if (addr + size > f->eof) f->eof = addr + size;
  return 0;
}

static herr_t undo_truncate(H5FD_t *_f, hid_t dxpl, hbool_t closing)
{
  UndoFile *f = (UndoFile *)_f;
  (void)dxpl, (void)closing;
  if (f->eoa == f->eof) return 0;
  if (f->journal && f->eoa < f->commit) { /* bytes of the committed file about to be cut */
    const haddr_t end = f->eof < f->commit ? f->eof : f->commit;
    if (end > f->eoa && journal_save(f, f->eoa, end - f->eoa)) return -1;
  }
  if (ftruncate(f->fd, (off_t)f->eoa)) return TCAD_UNDO_FAIL("cannot set the size of", NULL);
  f->eof = f->eoa;
  return 0;
}

static const H5FD_class_t undo_class = {
    .name = "tcad-undo",
    .maxaddr = TCAD_UNDO_MAXADDR,
    .fc_degree = H5F_CLOSE_WEAK,
    .open = undo_open,
    .close = undo_close,
    .cmp = undo_cmp,
    .query = undo_query,
    .get_eoa = undo_get_eoa,
    .set_eoa = undo_set_eoa,
    .get_eof = undo_get_eof,
    .get_handle = undo_get_handle,
    .read = undo_read,
    .write = undo_write,
    .truncate = undo_truncate,
    .fl_map = H5FD_FLMAP_DICHOTOMY,
};

hid_t tcad_output_undo_fapl(void)
{
  static hid_t driver = -1;
  if (driver < 0 || H5Iis_valid(driver) <= 0) driver = H5FDregister(&undo_class);
  if (driver < 0) return -1;
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl < 0) return -1;
  if (H5Pset_driver(fapl, driver, NULL) < 0) {
    H5Pclose(fapl);
    return -1;
  }
  /* no file locking by the writer: ParaView may open the file while the run goes on (HDF5 1.10
   * otherwise keeps it locked until it is closed); best effort, writing works either way */
#if H5_VERSION_GE(1, 10, 7)
  (void)H5Pset_file_locking(fapl, 0, 1);
#endif
  return fapl;
}

static UndoFile *undo_file(hid_t file)
{
  void *h = NULL;
  if (H5Fget_vfd_handle(file, H5P_DEFAULT, &h) < 0 || !h) return NULL;
  return h;
}

int tcad_output_undo_commit(hid_t file)
{
  UndoFile *f = undo_file(file);
  if (!f) return tcad_error(TCAD_ERR_INTERNAL, "the field file is not open through tcad's undo driver");
  if (!f->journal) return 0;
  f->commit = f->eoa > f->eof ? f->eoa : f->eof;
  if (f->jsize) {
    if (ftruncate(f->jfd, 0)) return tcad_error(TCAD_ERR_IO, "cannot empty %s: %s", f->jpath, strerror(errno));
    f->jsize = 0;
  }
  return 0;
}

int tcad_output_undo_moved(hid_t file, const char *path)
{
  UndoFile *f = undo_file(file);
  char *j = journal_name(path);
  if (!f || !j) {
    free(j);
    return f ? TCAD_ERR_MEM : tcad_error(TCAD_ERR_INTERNAL, "the field file is not open through tcad's undo driver");
  }
  if (f->jfd >= 0 && rename(f->jpath, j)) {
    const int err = errno;
    free(j);
    return tcad_error(TCAD_ERR_IO, "cannot rename %s: %s", f->jpath, strerror(err));
  }
  free(f->jpath);
  f->jpath = j;
  return 0;
}

long tcad_output_undo_test(long crash_at, int journal_off)
{
  undo_crash_at = crash_at;
  undo_off = journal_off;
  return undo_writes;
}
