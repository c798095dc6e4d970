/* json.h: a strict RFC 8259 JSON reader into an arena-owned tree.
 *
 * Why our own: patient records arrive one per line by the million in registry
 * screening (bench/), and every value needs its line and column for error
 * messages. The tree lives in the caller's arena: parsing a record costs a few
 * bump allocations and freeing it costs nothing. Duplicate keys, NaN,
 * Infinity, lone surrogates, invalid UTF-8 and trailing text are errors. */
#ifndef MM_JSON_H
#define MM_JSON_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/strbuf.h"

typedef enum {
  MM_JSON_NULL,
  MM_JSON_FALSE,
  MM_JSON_TRUE,
  MM_JSON_NUMBER,
  MM_JSON_STRING,
  MM_JSON_ARRAY,
  MM_JSON_OBJECT
} mm_json_type;

typedef struct mm_json mm_json;
typedef struct mm_json_member {
  const char *key;   /* NUL-terminated, unescaped */
  size_t key_len;
  mm_json *value;
} mm_json_member;

struct mm_json {
  mm_json_type type;
  int line, col;          /* 1-based position of the value's first byte */
  bool is_integer;        /* number written without fraction or exponent */
  double number;
  int64_t integer;        /* valid when is_integer */
  const char *str;        /* string value, NUL-terminated (may contain none) */
  size_t len;             /* string length, or element/member count */
  mm_json **items;        /* array elements */
  mm_json_member *members;/* object members, in input order */
};

typedef struct mm_json_error {
  int line, col;
  char text[160];
  bool limit; /* the text is valid so far but has more values than allowed */
} mm_json_error;

#define MM_JSON_MAX_DEPTH 256

/* The limits of one patient record (include/mmpath.h mirrors them as
 * MMPATH_RECORD_MAX_BYTES, MMPATH_RECORD_MAX_VALUES): what the library and
 * registry screening refuse before building anything from it. */
#define MM_RECORD_MAX_BYTES ((size_t)4 << 20)
#define MM_RECORD_MAX_VALUES ((size_t)200000)

/* Parses exactly one JSON text (surrounding white space allowed). Returns the
 * root, owned by arena, or NULL with *err filled (arena->failed on OOM). */
mm_json *mm_json_parse(mm_arena *arena, const char *text, size_t len,
                       mm_json_error *err);

/* The same, parsing in place: strings are unescaped inside `text` and end
 * with a NUL written where their closing quote was, so no string is copied.
 * text must stay alive (and unchanged) as long as the tree; the input is
 * no longer valid JSON afterwards. For registry screening. */
mm_json *mm_json_parse_in_situ(mm_arena *arena, char *text, size_t len, mm_json_error *err);

/* Writes a parsed value back as compact JSON text (keys in their order,
 * numbers so that they read back the same): a record's data kept by the
 * referral store, FHIR resources handed on, a CDS feedback entry. */
void mm_json_write(mm_strbuf *b, const mm_json *v);

/* The same with a cap on the number of values (every object, array,
 * string, number, true, false and null counts one; 0: no cap): at the
 * value past the cap parsing stops, with err->limit set, so that the tree's
 * memory is bounded whatever the text (a 2-byte value takes about 80 bytes
 * of tree). in_situ: as mm_json_parse_in_situ (text is then written). */
mm_json *mm_json_parse_ex(mm_arena *arena, const char *text, size_t len, bool in_situ,
                          size_t max_values, mm_json_error *err);

/* Borrowed lookups; NULL when absent. A member whose value is null is
 * returned as is: callers treat JSON null as absent via mm_json_present. */
mm_json *mm_json_get(const mm_json *obj, const char *key);

/* For readers that scan JSON text themselves (src/patient/patient_scan.c). */
/* The length of the valid UTF-8 sequence at s, or 0 (RFC 3629). */
size_t mm_json_utf8_len(const unsigned char *s, const unsigned char *end);

typedef struct mm_json_number {
  bool is_integer; /* written without fraction or exponent */
  bool exact;      /* value is set: at most 15 significant digits, no
                      exponent, at most 22 decimals (else use strtod) */
  double value;
  int64_t integer; /* when is_integer, of at most 18 digits */
} mm_json_number;
/* Reads the JSON number (RFC 8259 grammar) at s: returns its end, or NULL
 * when s does not start one. Exact values are read with one division
 * (Clinger's fast path). */
const char *mm_json_number_scan(const char *s, const char *end, mm_json_number *out);
bool mm_json_present(const mm_json *v);
const char *mm_json_type_name(mm_json_type t);

#endif
