/* line_grouping.c: lines of therapy from drug periods and dated events by
 * the IMWG definition (line_grouping.h has the rules and the source). Every
 * window is the caller's (kb data); nothing here is a clinical threshold. */
#include <stdlib.h>

#include "facts/line_grouping.h"

#define DATE_INF 2147483647L /* an ongoing period's end, for comparisons */

static long end_key(mm_date e) { return e == MM_DATE_NONE ? DATE_INF : (long)e; }

static int by_drug_start(const void *x, const void *y) {
  const mm_drug_period *a = x, *b = y;
  if (a->role != b->role) return a->role < b->role ? -1 : 1;
  if (a->drug != b->drug) return a->drug < b->drug ? -1 : 1;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}
static int by_start(const void *x, const void *y) {
  const mm_drug_period *a = x, *b = y;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  if (a->drug != b->drug) return a->drug < b->drug ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}
static int by_date(const void *x, const void *y) {
  const mm_date *a = x, *b = y;
  return *a < *b ? -1 : *a > *b;
}

/* The first event in (from, to], or MM_DATE_NONE. ev sorted. */
static mm_date first_in(const mm_date *ev, size_t n, long from, long to) {
  for (size_t i = 0; i < n; i++)
    if ((long)ev[i] > from && (long)ev[i] <= to) return ev[i];
  return MM_DATE_NONE;
}

/* The lines being built: each phase is a growing array in the arena. */
typedef struct line_w {
  mm_grouped_line l;
  size_t cap_d, cap_m;
  int cell; /* the CAR-T exposure of this line, -1 */
} line_w;

typedef struct grouping {
  mm_arena *a;
  const mm_lines_input *in;
  mm_date *progs, *ascts, *aphs;
  line_w *lines;
  size_t n_lines;
  bool failed;
} grouping;

/* Adds p to a phase; the same drug twice in a phase is one entry with the
 * outer dates (the later end's stop reason). */
static void phase_add(grouping *g, mm_drug_period **arr, size_t *n, size_t *cap,
                      const mm_drug_period *p) {
  for (size_t i = 0; i < *n; i++) {
    mm_drug_period *q = &(*arr)[i];
    if (q->drug != p->drug) continue;
    if (p->start < q->start) q->start = p->start;
    if (end_key(p->end) >= end_key(q->end)) {
      if (end_key(p->end) > end_key(q->end) || p->stop >= 0) q->stop = p->stop;
      q->end = p->end;
    }
    return;
  }
  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : 4;
    mm_drug_period *x = mm_arena_grow(g->a, *arr, *n, c, sizeof *x);
    if (!x) {
      g->failed = true;
      return;
    }
    *arr = x;
    *cap = c;
  }
  (*arr)[(*n)++] = *p;
}

static void add_main(grouping *g, line_w *w, const mm_drug_period *p) {
  phase_add(g, &w->l.drugs, &w->l.n_drugs, &w->cap_d, p);
}
static void add_maint(grouping *g, line_w *w, const mm_drug_period *p) {
  phase_add(g, &w->l.maint, &w->l.n_maint, &w->cap_m, p);
}

static void set_why(mm_grouped_line *l, mm_lg_why why, int drug, mm_date date) {
  if (l->why != MM_LG_SURE || why == MM_LG_SURE) return;
  l->why = why;
  l->why_drug = drug;
  l->why_date = date;
}

/* The latest end of the line's active drugs (both phases), DATE_INF when one
 * is ongoing. */
static long run_end(const mm_grouped_line *l) {
  long e = 0;
  for (size_t i = 0; i < l->n_drugs; i++)
    if (l->drugs[i].role != MM_LG_STEROID && end_key(l->drugs[i].end) > e) e = end_key(l->drugs[i].end);
  for (size_t i = 0; i < l->n_maint; i++)
    if (l->maint[i].role != MM_LG_STEROID && end_key(l->maint[i].end) > e) e = end_key(l->maint[i].end);
  return e;
}

/* Opens a line at p's start. Drugs of the previous line that go on well past
 * it (more than gap_days, or ongoing) go on in the new line too: IMWG counts
 * the continued drug as part of the new regimen (Rd -> Dara-Rd). */
static line_w *open_line(grouping *g, const mm_drug_period *p, int cell) {
  line_w *prev = g->n_lines ? &g->lines[g->n_lines - 1] : NULL;
  line_w *w = &g->lines[g->n_lines++];
  *w = (line_w){.cell = cell};
  w->l = (mm_grouped_line){.start = p->start, .end = p->end, .asct = MM_DATE_NONE,
                           .maint_start = MM_DATE_NONE, .maint_end = MM_DATE_NONE,
                           .progression = MM_DATE_NONE, .stop = -1, .why_drug = -1,
                           .why_date = MM_DATE_NONE};
  add_main(g, w, p);
  if (!prev) return w;
  mm_drug_period *phases[2] = {prev->l.drugs, prev->l.maint};
  size_t ns[2] = {prev->l.n_drugs, prev->l.n_maint};
  for (int ph = 0; ph < 2; ph++)
    for (size_t i = 0; i < ns[ph]; i++) {
      mm_drug_period *q = &phases[ph][i];
      if (q->role == MM_LG_STEROID || end_key(q->end) <= (long)p->start + g->in->gap_days ||
          q->start >= p->start)
        continue;
      mm_drug_period c = *q;
      c.start = p->start;
      add_main(g, w, &c);
      q->end = p->start - 1;
      q->stop = -1;
    }
  return w;
}

/* Which CAR-T exposure each active exposure bridges to (-1: none), and
 * whether that CAR-T had no leukapheresis to bound its bridging. */
static void find_bridging(grouping *g, const mm_drug_period *ex, size_t n, int *bridge,
                          bool *no_aph) {
  const mm_lines_input *in = g->in;
  for (size_t i = 0; i < n; i++) bridge[i] = -1, no_aph[i] = false;
  for (size_t c = 0; c < n; c++) {
    if (ex[c].role != MM_LG_CELL) continue;
    mm_date inf = ex[c].start, aph = MM_DATE_NONE;
    for (size_t k = 0; k < in->n_aphereses; k++)
      if (g->aphs[k] <= inf) aph = g->aphs[k];
    for (size_t i = 0; i < n; i++) {
      if (i == c || ex[i].role == MM_LG_CELL || ex[i].start >= inf || bridge[i] >= 0) continue;
      if (aph != MM_DATE_NONE) {
        if (ex[i].start >= aph) bridge[i] = (int)c;
      } else if ((long)ex[i].start >= (long)inf - in->bridging_days &&
                 first_in(g->progs, in->n_progressions, ex[i].start, inf) == MM_DATE_NONE) {
        bridge[i] = (int)c;
        no_aph[c] = true;
      }
    }
  }
}

/* Whether the drugs ending line l stopped for progression or toxicity (a
 * change after them is a new line for sure). */
static bool ended_for_cause(const grouping *g, const mm_grouped_line *l) {
  long e = run_end(l);
  const mm_drug_period *phases[2] = {l->drugs, l->maint};
  size_t ns[2] = {l->n_drugs, l->n_maint};
  for (int ph = 0; ph < 2; ph++)
    for (size_t i = 0; i < ns[ph]; i++) {
      const mm_drug_period *q = &phases[ph][i];
      if (q->role != MM_LG_STEROID && end_key(q->end) == e && q->stop >= 0 &&
          (q->stop == g->in->stops.progression || q->stop == g->in->stops.toxicity))
        return true;
    }
  return false;
}

/* One active exposure into the lines. */
static void place(grouping *g, const mm_drug_period *ex, size_t i, const int *bridge,
                  const bool *no_aph) {
  const mm_lines_input *in = g->in;
  const mm_drug_period *e = &ex[i];
  line_w *w = g->n_lines ? &g->lines[g->n_lines - 1] : NULL;
  /* CAR-T with its bridging (and lymphodepletion): one line */
  int cell = e->role == MM_LG_CELL ? (int)i : bridge[i];
  if (cell >= 0) {
    if (w && w->cell == cell) {
      add_main(g, w, e);
      return;
    }
    w = open_line(g, e, cell);
    w->l.car_t = true;
    if (no_aph[cell]) set_why(&w->l, MM_LG_NO_APHERESIS, ex[cell].drug, ex[cell].start);
    return;
  }
  if (!w) {
    open_line(g, e, -1);
    return;
  }
  mm_grouped_line *l = &w->l;
  /* a progression since the line started: a new line (IMWG) */
  if (first_in(g->progs, in->n_progressions, l->start, e->start) != MM_DATE_NONE) {
    open_line(g, e, -1);
    return;
  }
  /* the conditioning of a transplant that follows */
  if (first_in(g->ascts, in->n_ascts, (long)e->start - 1, (long)e->start + in->conditioning_days) !=
      MM_DATE_NONE) {
    add_main(g, w, e);
    return;
  }
  long running = run_end(l);
  bool on = (long)e->start <= running + in->gap_days; /* the line is still running */
  /* after this line's transplant: consolidation and maintenance when it
   * starts within maintenance_days of the ASCT or while they run; after the
   * post-transplant therapy had stopped, it is "after a pause" (below) */
  mm_date asct = l->asct;
  if (asct == MM_DATE_NONE) asct = first_in(g->ascts, in->n_ascts, (long)l->start - 1, e->start - 1);
  bool window = asct != MM_DATE_NONE && (long)e->start <= (long)asct + in->maintenance_days;
  if (asct != MM_DATE_NONE && !l->car_t && (window || !l->n_maint || on)) {
    bool first = !l->n_maint; /* the first therapy after the transplant */
    l->asct = asct;
    add_maint(g, w, e);
    if (first && (long)e->start > (long)asct + in->maintenance_days)
      set_why(l, MM_LG_LATE_MAINT, e->drug, e->start);
    return;
  }
  /* a drug of the line resumed while the line runs (a dose held): the same line */
  for (size_t k = 0; k < l->n_drugs && on; k++)
    if (l->drugs[k].drug == e->drug && l->drugs[k].role == e->role && !l->car_t) {
      add_main(g, w, e);
      return;
    }
  if (!l->car_t && (long)e->start <= (long)l->start + in->regimen_days) {
    add_main(g, w, e); /* the planned regimen's drugs */
    return;
  }
  if (on && !l->car_t) {
    /* a drug that stopped about when this one started: a switch */
    const mm_drug_period *sw = NULL;
    for (size_t k = 0; k < l->n_drugs && !sw; k++) {
      const mm_drug_period *q = &l->drugs[k];
      if (q->role != MM_LG_STEROID && q->end != MM_DATE_NONE &&
          (long)q->end >= (long)e->start - in->gap_days && (long)q->end <= (long)e->start + in->gap_days)
        sw = q;
    }
    if (sw) {
      bool cause = sw->stop >= 0 && (sw->stop == in->stops.toxicity || sw->stop == in->stops.progression);
      line_w *nw = open_line(g, e, -1);
      if (!cause) set_why(&nw->l, MM_LG_SWITCH, e->drug, e->start);
      return;
    }
    add_main(g, w, e);
    set_why(l, MM_LG_ADDED, e->drug, e->start);
    return;
  }
  /* after a pause: a new line; sure only if the last one ended for a cause */
  bool cause = ended_for_cause(g, l);
  line_w *nw = open_line(g, e, -1);
  if (!cause) set_why(&nw->l, MM_LG_RESTART, e->drug, e->start);
}

/* A steroid exposure goes, clipped, into every line phase it overlaps; one
 * that overlaps none is given alone, which the records cannot class. */
static void place_steroid(grouping *g, const mm_drug_period *s) {
  bool placed = false;
  for (size_t k = 0; k < g->n_lines; k++) {
    line_w *w = &g->lines[k];
    mm_grouped_line *l = &w->l;
    long mend = end_key(l->end); /* the main phase, consolidation included */
    if ((long)s->start <= mend && end_key(s->end) >= (long)l->start) {
      mm_drug_period c = *s;
      if (c.start < l->start) c.start = l->start;
      if (end_key(c.end) > mend) c.end = (mm_date)mend, c.stop = -1;
      add_main(g, w, &c);
      placed = true;
    }
    long mstart = (long)l->maint_start > mend ? (long)l->maint_start : mend + 1;
    if (l->n_maint && (long)s->start <= end_key(l->maint_end) && end_key(s->end) >= mstart) {
      mm_drug_period c = *s;
      if ((long)c.start < mstart) c.start = (mm_date)mstart;
      if (end_key(c.end) > end_key(l->maint_end)) c.end = l->maint_end, c.stop = -1;
      add_maint(g, w, &c);
      placed = true;
    }
  }
  if (placed || !g->n_lines) return;
  size_t k = 0;
  while (k + 1 < g->n_lines && g->lines[k].l.start < s->start) k++;
  set_why(&g->lines[k].l, MM_LG_STEROID_ALONE, s->drug, s->start);
}

/* After the transplant, the drugs that run to the end are the maintenance;
 * those that stopped well before (consolidation: D-VRd x2 before R alone)
 * keep their own dates in the main phase, so they are not read as given
 * until the maintenance ended. */
static void split_consolidation(grouping *g, line_w *w) {
  mm_grouped_line *l = &w->l;
  long last = run_end(&(mm_grouped_line){.maint = l->maint, .n_maint = l->n_maint});
  size_t keep = 0;
  for (size_t i = 0; i < l->n_maint; i++) {
    mm_drug_period q = l->maint[i];
    if (end_key(q.end) + g->in->gap_days < last) add_main(g, w, &q);
    else l->maint[keep++] = q;
  }
  l->n_maint = keep;
}

/* A phase's dates: first start, last end (NONE when one is ongoing). */
static void phase_dates(const mm_drug_period *d, size_t n, mm_date *start, mm_date *end) {
  long e = 0;
  *start = MM_DATE_NONE;
  for (size_t i = 0; i < n; i++) {
    if (d[i].role == MM_LG_STEROID) continue;
    if (*start == MM_DATE_NONE || d[i].start < *start) *start = d[i].start;
    if (end_key(d[i].end) > e) e = end_key(d[i].end);
  }
  *end = e == DATE_INF ? MM_DATE_NONE : (mm_date)e;
}

/* The line's stop reason: that of the active drugs ending its last phase,
 * when they agree. A drug stopped earlier (neuropathy) does not stop it. */
static void line_stop(mm_grouped_line *l) {
  const mm_drug_period *d = l->n_maint ? l->maint : l->drugs;
  size_t n = l->n_maint ? l->n_maint : l->n_drugs;
  mm_date end = l->n_maint ? l->maint_end : l->end;
  if (end == MM_DATE_NONE) return;
  int stop = -1;
  for (size_t i = 0; i < n; i++) {
    if (d[i].role == MM_LG_STEROID || d[i].end != end || d[i].stop < 0) continue;
    if (stop >= 0 && stop != d[i].stop) {
      l->stop_conflict = true;
      l->stop = -1;
      return;
    }
    stop = d[i].stop;
  }
  l->stop = stop;
}

static mm_date *sorted_copy(mm_arena *a, const mm_date *v, size_t n) {
  mm_date *c = mm_arena_alloc(a, (n + 1) * sizeof *c);
  if (!c) return NULL;
  for (size_t i = 0; i < n; i++) c[i] = v[i];
  if (n) qsort(c, n, sizeof *c, by_date);
  return c;
}

int mm_lines_group(mm_grouped_line **out, size_t *n_out, int **asct_line, mm_arena *arena,
                   const mm_lines_input *in) {
  *out = NULL;
  *n_out = 0;
  *asct_line = NULL;
  grouping g = {.a = arena, .in = in};
  g.progs = sorted_copy(arena, in->progressions, in->n_progressions);
  g.ascts = sorted_copy(arena, in->ascts, in->n_ascts);
  g.aphs = sorted_copy(arena, in->aphereses, in->n_aphereses);
  *asct_line = mm_arena_alloc(arena, (in->n_ascts + 1) * sizeof **asct_line);
  if (!g.progs || !g.ascts || !g.aphs || !*asct_line) return -1;
  for (size_t i = 0; i < in->n_ascts; i++) (*asct_line)[i] = -1;
  mm_drug_period *per = in->periods;
  size_t n = in->n;
  if (!n) return 0;
  /* Periods of one drug at most gap_days apart are one exposure (cycles),
   * unless a progression lies between them. */
  qsort(per, n, sizeof *per, by_drug_start);
  size_t ne = 0;
  for (size_t i = 0; i < n; i++) {
    mm_drug_period p = per[i];
    mm_drug_period *e = ne ? &per[ne - 1] : NULL;
    if (e && e->drug == p.drug && e->role == p.role &&
        (long)p.start <= end_key(e->end) + in->gap_days &&
        (end_key(e->end) >= (long)p.start ||
         first_in(g.progs, in->n_progressions, e->start, p.start) == MM_DATE_NONE)) {
      if (end_key(p.end) >= end_key(e->end)) {
        if (end_key(p.end) > end_key(e->end) || p.stop >= 0) e->stop = p.stop;
        e->end = p.end;
      }
    } else {
      per[ne++] = p;
    }
  }
  qsort(per, ne, sizeof *per, by_start);
  g.lines = mm_arena_alloc(arena, (ne + 1) * sizeof *g.lines);
  int *bridge = mm_arena_alloc(arena, (ne + 1) * sizeof *bridge);
  bool *no_aph = mm_arena_alloc(arena, (ne + 1) * sizeof *no_aph);
  if (!g.lines || !bridge || !no_aph) return -1;
  find_bridging(&g, per, ne, bridge, no_aph);
  for (size_t i = 0; i < ne && !g.failed; i++)
    if (per[i].role != MM_LG_STEROID) place(&g, per, i, bridge, no_aph);
  for (size_t k = 0; k < g.n_lines && !g.failed; k++) {
    line_w *w = &g.lines[k];
    mm_grouped_line *l = &w->l;
    if (l->n_maint) split_consolidation(&g, w);
    phase_dates(l->drugs, l->n_drugs, &l->start, &l->end);
    if (l->n_maint) phase_dates(l->maint, l->n_maint, &l->maint_start, &l->maint_end);
  }
  for (size_t i = 0; i < ne && !g.failed; i++)
    if (per[i].role == MM_LG_STEROID) place_steroid(&g, &per[i]);
  if (g.failed) return -1;
  /* Each transplant belongs to the line running at its date: the latest
   * started before it, with no progression in between. */
  for (size_t i = 0; i < in->n_ascts; i++) {
    mm_date a = in->ascts[i];
    size_t k = g.n_lines;
    while (k > 0 && g.lines[k - 1].l.start > a) k--;
    if (k == 0 || g.lines[k - 1].l.car_t ||
        first_in(g.progs, in->n_progressions, g.lines[k - 1].l.start, a) != MM_DATE_NONE)
      continue;
    mm_grouped_line *l = &g.lines[k - 1].l;
    if (l->asct == MM_DATE_NONE || a < l->asct) l->asct = a; /* the first: tandem's second is the caller's to report */
    (*asct_line)[i] = (int)(k - 1);
  }
  mm_grouped_line *lines = mm_arena_alloc(arena, (g.n_lines + 1) * sizeof *lines);
  if (!lines) return -1;
  for (size_t k = 0; k < g.n_lines; k++) {
    lines[k] = g.lines[k].l;
    line_stop(&lines[k]);
  }
  *out = g.n_lines ? lines : NULL;
  *n_out = g.n_lines;
  return 0;
}

/* A progression ends the latest line that started before it. */
mm_lines_progression mm_lines_attach_progression(mm_grouped_line *lines, size_t n_lines,
                                                 mm_date date, size_t *line) {
  size_t k = n_lines;
  while (k > 0 && lines[k - 1].start >= date) k--;
  if (k == 0) return MM_LINES_PROGRESSION_NO_LINE;
  *line = k - 1;
  mm_grouped_line *l = &lines[k - 1];
  if (l->progression != MM_DATE_NONE) return MM_LINES_PROGRESSION_ALREADY;
  l->progression = date;
  return MM_LINES_PROGRESSION_SET;
}
