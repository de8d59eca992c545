/* Run-time loading of cuDSS (kernels/linalg/cudss.h). */
#include "kernels/linalg/cudss.h"

#include <dlfcn.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcad/error.h"

static TcadCudssLib g_lib;
static int g_state; /* 0 not tried, 1 loaded, -1 failed */
static char g_why[1024];

const char *tcad_cudss_status_name(int s)
{
  static const char *names[] = {"CUDSS_STATUS_SUCCESS",        "CUDSS_STATUS_NOT_INITIALIZED",
                                "CUDSS_STATUS_ALLOC_FAILED",   "CUDSS_STATUS_INVALID_VALUE",
                                "CUDSS_STATUS_NOT_SUPPORTED",  "CUDSS_STATUS_EXECUTION_FAILED",
                                "CUDSS_STATUS_INTERNAL_ERROR", "CUDSS_STATUS_IR_FAILED"};
  return s >= 0 && s < (int)(sizeof names / sizeof names[0]) ? names[s] : "unknown cuDSS status";
}

void tcad_cudss_unload(TcadCudssLib *lib)
{
  if (lib->dl) dlclose(lib->dl);
  memset(lib, 0, sizeof *lib);
}

int tcad_cudss_load_path(const char *path, TcadCudssLib *lib)
{
  memset(lib, 0, sizeof *lib);
  dlerror();
  void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!dl) {
    const char *d = dlerror();
    return tcad_error(TCAD_ERR_IO, "cannot load %s: %s", path, d ? d : "unknown reason");
  }
  lib->dl = dl;
  snprintf(lib->path, sizeof lib->path, "%s", path);
  struct {
    const char *name;
    void **fn;
  } syms[] = {
      {"cudssGetProperty", (void **)&lib->GetProperty},
      {"cudssCreate", (void **)&lib->Create},
      {"cudssDestroy", (void **)&lib->Destroy},
      {"cudssSetStream", (void **)&lib->SetStream},
      {"cudssConfigCreate", (void **)&lib->ConfigCreate},
      {"cudssConfigDestroy", (void **)&lib->ConfigDestroy},
      {"cudssConfigSet", (void **)&lib->ConfigSet},
      {"cudssDataCreate", (void **)&lib->DataCreate},
      {"cudssDataDestroy", (void **)&lib->DataDestroy},
      {"cudssDataGet", (void **)&lib->DataGet},
      {"cudssMatrixCreateCsr", (void **)&lib->MatrixCreateCsr},
      {"cudssMatrixCreateDn", (void **)&lib->MatrixCreateDn},
      {"cudssMatrixDestroy", (void **)&lib->MatrixDestroy},
      {"cudssMatrixSetValues", (void **)&lib->MatrixSetValues},
      {"cudssExecute", (void **)&lib->Execute},
  };
  for (size_t k = 0; k < sizeof syms / sizeof syms[0]; k++) {
    void *f = dlsym(dl, syms[k].name);
    if (!f) {
      tcad_cudss_unload(lib);
      return tcad_error(TCAD_ERR_IO, "%s has no symbol %s: not a cuDSS library", path, syms[k].name);
    }
    memcpy(syms[k].fn, &f, sizeof f); /* object pointer → function pointer without a cast warning */
  }
  if (lib->GetProperty(TCAD_LIBPROP_MAJOR, &lib->major) || lib->GetProperty(TCAD_LIBPROP_MINOR, &lib->minor) ||
      lib->GetProperty(TCAD_LIBPROP_PATCH, &lib->patch)) {
    tcad_cudss_unload(lib);
    return tcad_error(TCAD_ERR_IO, "%s: cudssGetProperty failed", path);
  }
  if (lib->major != 1) {
    const int ma = lib->major, mi = lib->minor;
    tcad_cudss_unload(lib);
    return tcad_error(TCAD_ERR_IO,
                      "%s is cuDSS %d.%d; this build speaks the cuDSS 1.x interface (pip install "
                      "'nvidia-cudss-cu13>=1,<2')",
                      path, ma, mi);
  }
  return 0;
}

/* Load the library from the newest match of a pip wheel's folder pattern: 1 when loaded, else
 * 0 with why each match failed appended to `tried`. */
static int load_glob(const char *pattern, char *tried, size_t cap)
{
  glob_t g;
  if (glob(pattern, 0, NULL, &g)) return 0;
  int loaded = 0;
  for (size_t k = g.gl_pathc; k-- > 0 && !loaded;) {
    loaded = !tcad_cudss_load_path(g.gl_pathv[k], &g_lib);
    if (!loaded) {
      const size_t n = strlen(tried);
      snprintf(tried + n, cap - n, "; %s", tcad_error_message());
    }
  }
  globfree(&g);
  return loaded;
}

const TcadCudssLib *tcad_cudss(void)
{
  if (g_state) return g_state > 0 ? &g_lib : NULL;
  g_state = -1;
  const char *env = getenv("TCAD_CUDSS_LIB");
  if (env && *env) {
    if (tcad_cudss_load_path(env, &g_lib)) {
      snprintf(g_why, sizeof g_why, "TCAD_CUDSS_LIB=%s: %s", env, tcad_error_message());
      return NULL;
    }
    g_state = 1;
    return &g_lib;
  }
  char tried[768] = "";
  if (!tcad_cudss_load_path("libcudss.so.1", &g_lib)) {
    g_state = 1;
    return &g_lib;
  }
  snprintf(tried, sizeof tried, "%s", tcad_error_message());
  /* the pip wheel's folders: a virtual environment, the project's .venv (beside the build folder
   * of this binary: scripts/install-deps.sh --cudss), the system's and the user's site-packages */
  const char *sub = "nvidia/cu13/lib/libcudss.so.1";
  char pats[6][700];
  int np = 0;
  const char *venv = getenv("VIRTUAL_ENV"), *home = getenv("HOME");
  if (venv && *venv) snprintf(pats[np++], sizeof pats[0], "%s/lib/python3*/site-packages/%s", venv, sub);
  char exe[512];
  const ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len > 0) {
    exe[len] = 0;
    char *sl = strrchr(exe, '/');
    if (sl) {
      *sl = 0;
      snprintf(pats[np++], sizeof pats[0], "%s/../.venv/lib/python3*/site-packages/%s", exe, sub);
      snprintf(pats[np++], sizeof pats[0], "%s/../../.venv/lib/python3*/site-packages/%s", exe, sub);
    }
  }
  snprintf(pats[np++], sizeof pats[0], "/usr/local/lib/python3*/dist-packages/%s", sub);
  snprintf(pats[np++], sizeof pats[0], "/usr/lib/python3/dist-packages/%s", sub);
  if (home && *home) snprintf(pats[np++], sizeof pats[0], "%s/.local/lib/python3*/site-packages/%s", home, sub);
  int found = 0;
  for (int k = 0; k < np && !found; k++) found = load_glob(pats[k], tried, sizeof tried);
  if (found) {
    g_state = 1;
    return &g_lib;
  }
  snprintf(g_why, sizeof g_why,
           "the cuDSS library was not found (%s); install it with `pip install nvidia-cudss-cu13` "
           "(or `bash scripts/install-deps.sh --cudss`), or set TCAD_CUDSS_LIB to the path of libcudss.so.1",
           tried);
  return NULL;
}

const char *tcad_cudss_why(void)
{
  if (!g_state) tcad_cudss();
  return g_state > 0 ? "" : g_why;
}
