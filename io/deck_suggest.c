/* Name lists for the deck parser's messages: "did you mean" (the closest name by edit
 * distance) and "expected one of" lists, built the same way for keys, enum values,
 * materials, regions and contacts. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "io/deck_internal.h"

const char *tcad_deck_name_str(const void *list, int i) { return ((const char *const *)list)[i]; }
const char *tcad_deck_name_material(const void *list, int i) { return ((const TcadDeck *)list)->materials[i].name; }
const char *tcad_deck_name_region(const void *list, int i) { return ((const TcadDeck *)list)->regions[i].name; }
const char *tcad_deck_name_contact(const void *list, int i) { return ((const TcadDeck *)list)->contacts[i].name; }

int tcad_deck_count(const char *const *names)
{
  int n = 0;
  while (names[n]) n++;
  return n;
}

int tcad_deck_ieq(const char *a, const char *b)
{
  for (; *a && *b; a++, b++)
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
  return *a == *b;
}

/* Case-insensitive Levenshtein distance; long words never get suggestions, so a fixed row
 * is enough. */
static size_t deck_distance(const char *a, const char *b)
{
  size_t na = strlen(a), nb = strlen(b), row[65];
  if (na > 64 || nb > 64) return (size_t)1 << 20;
  for (size_t j = 0; j <= nb; j++) row[j] = j;
  for (size_t i = 1; i <= na; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= nb; j++) {
      size_t up = row[j];
      size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
      size_t best = diag + cost;
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[nb];
}

const char *tcad_deck_suggest(const char *word, const void *list, int n, TcadDeckNameAt at)
{
  size_t len = strlen(word), limit = len / 3 > 2 ? len / 3 : 2, best = limit + 1;
  const char *pick = NULL;
  for (int i = 0; i < n; i++) {
    size_t d = deck_distance(word, at(list, i));
    if (d < best) {
      best = d;
      pick = at(list, i);
    }
  }
  return pick;
}

const char *tcad_deck_join(const void *list, int n, TcadDeckNameAt at, char *buf, size_t cap)
{
  size_t used = 0;
  buf[0] = 0;
  for (int i = 0; i < n; i++) {
    const char *s = at(list, i);
    size_t len = strlen(s);
    if (used + len + 8 >= cap) {
      snprintf(buf + used, cap - used, "%s...", i ? ", " : "");
      break;
    }
    used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", s);
  }
  return buf;
}
