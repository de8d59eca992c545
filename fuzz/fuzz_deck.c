/* libFuzzer harness: the deck parser (io/deck*.c) on arbitrary bytes. Every input must give a
 * deck or one error (no crash, no leak, no undefined behaviour); `make fuzz` builds and runs it
 * with ASan and UBSan. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcad/deck.h"
#include "tcad/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = 0; /* TcadDeckLoadString takes a C string: the input up to its first NUL */
  TcadDeck *d = NULL;
  tcad_error_clear();
  if (!TcadDeckLoadString(text, "fuzz.yaml", &d)) TcadDeckDestroy(&d);
  free(text);
  return 0;
}
