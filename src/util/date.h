/* date.h: calendar dates as day numbers (days since 1970-01-01), proleptic
 * Gregorian. Day arithmetic ("within 60 days") is plain integer arithmetic. */
#ifndef MM_DATE_H
#define MM_DATE_H
#include <stdbool.h>
#include <stddef.h>

typedef int mm_date;            /* day number; MM_DATE_NONE when absent */
#define MM_DATE_NONE (-2147483647 - 1)

/* Strict YYYY-MM-DD (year 1000-9999, a real day). Returns false otherwise. */
bool mm_date_parse(const char *s, size_t n, mm_date *out);
mm_date mm_date_from_ymd(int y, int m, int d);
void mm_date_to_ymd(mm_date d, int *y, int *m, int *day);
/* Writes "YYYY-MM-DD" into buf (at least 11 bytes). */
void mm_date_format(mm_date d, char buf[static 11]);
/* Whole years from a to b (age at b of someone born on a). */
int mm_date_years_between(mm_date a, mm_date b);
/* Whole calendar months from a to b (b >= a); counted as clinicians do. */
int mm_date_months_between(mm_date a, mm_date b);
mm_date mm_date_today(void);

#endif
