/* yaml_tree.h: the knowledge base's strict YAML subset, read into a small
 * tree whose every node knows its file, line and column.
 *
 * What is refused (with file:line:col): anchors, aliases, tags, more than one
 * document, duplicate keys, non-scalar keys. Scalars stay strings: the schema
 * of each file decides what is a number or a date (no YAML 1.1 "Norway"). */
#ifndef MM_YAML_TREE_H
#define MM_YAML_TREE_H
#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/diag.h"

typedef enum { MM_YAML_SCALAR, MM_YAML_SEQ, MM_YAML_MAP } mm_yaml_kind;

typedef struct mm_yaml mm_yaml;
struct mm_yaml {
  mm_yaml_kind kind;
  const char *file;  /* borrowed from the tree's arena */
  int line, col;     /* 1-based */
  const char *str;   /* scalar text */
  bool block;        /* scalar written as a | or > block */
  bool quoted;       /* scalar written in '' or "" (its text starts one column later) */
  int indent;        /* block scalar: the column its text starts at (1-based) */
  size_t n;          /* number of items (seq) or entries (map) */
  mm_yaml **items;   /* seq items, or map values */
  mm_yaml **keys;    /* map keys (scalars), parallel to items */
};

/* One diagnostic line, "file:line:col: text", and its kind (MM_E_SYNTAX,
 * MM_E_DUPLICATE, MM_E_LIMIT, MM_E_NOT_FOUND, MM_E_IO, MM_E_NOMEM) for the
 * caller's diagnostic. */
typedef struct mm_yaml_error {
  char text[512];
  mm_diag_code code;
} mm_yaml_error;

/* Reads a file into a tree owned by arena. NULL and *err on failure. */
mm_yaml *mm_yaml_load_file(mm_arena *arena, const char *path, mm_yaml_error *err);
mm_yaml *mm_yaml_load_string(mm_arena *arena, const char *name, const char *text,
                             size_t len, mm_yaml_error *err);

/* Borrowed lookup of a map entry; NULL when absent or node not a map. */
mm_yaml *mm_yaml_get(const mm_yaml *map, const char *key);

#endif
