/* A batch plan (`tcad batch plan.yaml`, docs/batch.md): a base deck and variations of any of its
 * values, addressed by their deck path (`doping[1].conc`, `physics.transport`, list indices from
 * 0), expanded into cases. Every case's deck is checked against the deck schema when the plan is
 * loaded, so a bad value is reported before anything runs. */
#ifndef TCAD_PLAN_H
#define TCAD_PLAN_H
#include <stddef.h>

typedef struct TcadPlan TcadPlan;

/* Read plan `path`, its base deck and its table (if any), expand the cases and validate each.
 * Errors: TCAD_ERR_INPUT "PLAN:LINE:COL: ..." (or TABLE:LINE:COL:), TCAD_ERR_IO for files that
 * cannot be read. */
int TcadPlanLoad(const char *path, TcadPlan **plan);
void TcadPlanDestroy(TcadPlan **plan);
int TcadPlanCaseCount(const TcadPlan *plan);
/* The varied deck paths (the summary table's parameter columns), in plan order. */
int TcadPlanParamCount(const TcadPlan *plan);
const char *TcadPlanParamPath(const TcadPlan *plan, int k);
/* Case c's (0-based) value of parameter k as text (a scalar as written, a list or mapping in
 * flow style). */
const char *TcadPlanCaseValue(const TcadPlan *plan, int c, int k);
/* Case c's expanded deck as YAML text (*text allocated here, the caller frees): the base deck
 * with the case's values put in, and a relative mesh.file made absolute so that the deck runs
 * from its case folder. */
int TcadPlanCaseDeck(const TcadPlan *plan, int c, char **text);
/* The plan's output folder: its `output` key (relative to the plan's folder), or
 * PLANDIR/PLANNAME-out. */
const char *TcadPlanOutput(const TcadPlan *plan);
const char *TcadPlanPath(const TcadPlan *plan);
#endif
