/* Writing JSON by hand (core/json.c): summary.json, extract.json, a batch case's status.json. */
#ifndef TCAD_JSON_H
#define TCAD_JSON_H
#include <stdio.h>

/* s as a JSON string: quoted, '"' and '\' escaped, control characters as \u00XX. */
void tcad_json_string(FILE *f, const char *s);
#endif
