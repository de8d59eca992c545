/* A stand-in for libcudss.so.1 with the right symbols and a chosen version (t058 loads it to
 * check that tcad refuses a cuDSS of another major version with a clear message). Every call
 * but cudssGetProperty fails with CUDSS_STATUS_NOT_SUPPORTED (4). The major version reported is
 * FAKE_CUDSS_MAJOR from the environment (default 0). */
#include <stdlib.h>

#define FAIL(name)                                                                                                     \
  int name(void) { return 4; }
FAIL(cudssCreate)
FAIL(cudssDestroy)
FAIL(cudssSetStream)
FAIL(cudssConfigCreate)
FAIL(cudssConfigDestroy)
FAIL(cudssConfigSet)
FAIL(cudssDataCreate)
FAIL(cudssDataDestroy)
FAIL(cudssDataGet)
FAIL(cudssMatrixCreateCsr)
FAIL(cudssMatrixCreateDn)
FAIL(cudssMatrixDestroy)
FAIL(cudssMatrixSetValues)
FAIL(cudssExecute)

int cudssGetProperty(int prop, int *value)
{
  const char *m = getenv("FAKE_CUDSS_MAJOR");
  *value = prop == 0 ? (m ? atoi(m) : 0) : prop == 1 ? 7 : 0;
  return 0;
}
