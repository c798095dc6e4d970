/* yaml_tree.c: libyaml's event parser driven into mm_yaml nodes. */
#include "yaml/yaml_tree.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 64

typedef struct loader {
  yaml_parser_t parser;
  const char *text; /* the source, for the indentation of block scalars */
  size_t len;
  mm_arena *arena;
  const char *file;
  mm_yaml_error *err;
  bool failed;
} loader;

/* The first problem only: the tree is refused as a whole. */
static void fail(loader *ld, mm_diag_code code, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void fail(loader *ld, mm_diag_code code, int line, int col, const char *fmt, ...) {
  if (ld->failed) return;
  ld->failed = true;
  if (!ld->err) return;
  ld->err->code = code;
  char *text = ld->err->text;
  int n = snprintf(text, sizeof ld->err->text, "%s:%d:%d: ", ld->file, line, col);
  if (n < 0 || (size_t)n >= sizeof ld->err->text) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text + n, sizeof ld->err->text - (size_t)n, fmt, ap);
  va_end(ap);
}

static bool next_event(loader *ld, yaml_event_t *ev) {
  if (!yaml_parser_parse(&ld->parser, ev)) {
    fail(ld, MM_E_SYNTAX, (int)ld->parser.problem_mark.line + 1,
         (int)ld->parser.problem_mark.column + 1, "%s",
         ld->parser.problem ? ld->parser.problem : "YAML syntax error");
    return false;
  }
  return true;
}

static mm_yaml *new_node(loader *ld, mm_yaml_kind kind, const yaml_event_t *ev) {
  mm_yaml *n = mm_arena_alloc(ld->arena, sizeof *n);
  if (!n) {
    fail(ld, MM_E_NOMEM, 0, 0, "out of memory");
    return NULL;
  }
  n->kind = kind;
  n->file = ld->file;
  n->line = (int)ev->start_mark.line + 1;
  n->col = (int)ev->start_mark.column + 1;
  return n;
}

static mm_yaml *load_node(loader *ld, yaml_event_t *ev, int depth);

static bool refuse_extras(loader *ld, const yaml_event_t *ev,
                          const yaml_char_t *anchor, const yaml_char_t *tag,
                          bool implicit_tag) {
  int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
  if (anchor) {
    fail(ld, MM_E_SYNTAX, line, col, "anchors are not allowed in the knowledge base");
    return false;
  }
  if (tag && !implicit_tag) {
    fail(ld, MM_E_SYNTAX, line, col, "tags are not allowed in the knowledge base (%s)",
         (const char *)tag);
    return false;
  }
  return true;
}

/* Collects children until the closing event; for maps, keys alternate. */
static mm_yaml *load_collection(loader *ld, yaml_event_t *open, int depth,
                                bool is_map) {
  mm_yaml *node = new_node(ld, is_map ? MM_YAML_MAP : MM_YAML_SEQ, open);
  if (!node) return NULL;
  size_t cap = 0;
  yaml_event_type_t close = is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
  for (;;) {
    yaml_event_t ev;
    if (!next_event(ld, &ev)) return NULL;
    if (ev.type == close) {
      yaml_event_delete(&ev);
      return node;
    }
    mm_yaml *key = NULL;
    if (is_map) {
      if (ev.type != YAML_SCALAR_EVENT) {
        fail(ld, MM_E_SYNTAX, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
             "map keys must be plain words");
        yaml_event_delete(&ev);
        return NULL;
      }
      key = load_node(ld, &ev, depth + 1);
      yaml_event_delete(&ev);
      if (!key) return NULL;
      for (size_t i = 0; i < node->n; i++) {
        if (strcmp(node->keys[i]->str, key->str) == 0) {
          fail(ld, MM_E_DUPLICATE, key->line, key->col, "duplicate key '%s'", key->str);
          return NULL;
        }
      }
      if (!next_event(ld, &ev)) return NULL;
    }
    mm_yaml *value = load_node(ld, &ev, depth + 1);
    yaml_event_delete(&ev);
    if (!value) return NULL;
    if (node->n == cap) {
      size_t ncap = cap ? cap * 2 : 8;
      node->items = mm_arena_grow(ld->arena, node->items, node->n, ncap, sizeof(mm_yaml *));
      if (is_map)
        node->keys = mm_arena_grow(ld->arena, node->keys, node->n, ncap, sizeof(mm_yaml *));
      if (!node->items || (is_map && !node->keys)) {
        fail(ld, MM_E_NOMEM, 0, 0, "out of memory");
        return NULL;
      }
      cap = ncap;
    }
    node->items[node->n] = value;
    if (is_map) node->keys[node->n] = key;
    node->n++;
  }
}

/* The column of the first text line after a | or > indicator at `at`. */
static int block_indent(const loader *ld, size_t at) {
  size_t i = at;
  while (i < ld->len && ld->text[i] != '\n') i++;
  while (i < ld->len) {
    size_t spaces = 0;
    i++;
    while (i < ld->len && ld->text[i] == ' ') i++, spaces++;
    if (i < ld->len && ld->text[i] != '\n') return (int)spaces + 1;
  }
  return 1;
}

static mm_yaml *load_node(loader *ld, yaml_event_t *ev, int depth) {
  if (depth > MAX_DEPTH) {
    fail(ld, MM_E_LIMIT, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
         "nesting too deep (limit is 64)");
    return NULL;
  }
  switch (ev->type) {
  case YAML_SCALAR_EVENT: {
    if (!refuse_extras(ld, ev, ev->data.scalar.anchor, ev->data.scalar.tag,
                       ev->data.scalar.plain_implicit || ev->data.scalar.quoted_implicit))
      return NULL;
    mm_yaml *n = new_node(ld, MM_YAML_SCALAR, ev);
    if (!n) return NULL;
    n->str = mm_arena_strndup(ld->arena, (const char *)ev->data.scalar.value,
                              ev->data.scalar.length);
    n->block = ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
               ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
    if (n->block) n->indent = block_indent(ld, ev->start_mark.index);
    n->quoted = ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    if (!n->str) fail(ld, MM_E_NOMEM, 0, 0, "out of memory");
    return ld->failed ? NULL : n;
  }
  case YAML_SEQUENCE_START_EVENT:
    if (!refuse_extras(ld, ev, ev->data.sequence_start.anchor,
                       ev->data.sequence_start.tag, ev->data.sequence_start.implicit))
      return NULL;
    return load_collection(ld, ev, depth, false);
  case YAML_MAPPING_START_EVENT:
    if (!refuse_extras(ld, ev, ev->data.mapping_start.anchor,
                       ev->data.mapping_start.tag, ev->data.mapping_start.implicit))
      return NULL;
    return load_collection(ld, ev, depth, true);
  case YAML_ALIAS_EVENT:
    fail(ld, MM_E_SYNTAX, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
         "aliases are not allowed in the knowledge base");
    return NULL;
  default:
    fail(ld, MM_E_SYNTAX, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
         "unexpected YAML structure");
    return NULL;
  }
}

static mm_yaml *load(loader *ld) {
  yaml_event_t ev;
  mm_yaml *root = NULL;
  int docs = 0;
  for (;;) {
    if (!next_event(ld, &ev)) return NULL;
    yaml_event_type_t t = ev.type;
    if (t == YAML_STREAM_END_EVENT) {
      yaml_event_delete(&ev);
      break;
    }
    if (t == YAML_DOCUMENT_START_EVENT) {
      if (++docs > 1) {
        fail(ld, MM_E_SYNTAX, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
             "only one document per file");
        yaml_event_delete(&ev);
        return NULL;
      }
    } else if (t == YAML_SCALAR_EVENT || t == YAML_SEQUENCE_START_EVENT ||
               t == YAML_MAPPING_START_EVENT || t == YAML_ALIAS_EVENT) {
      root = load_node(ld, &ev, 0);
      if (!root) {
        yaml_event_delete(&ev);
        return NULL;
      }
    }
    yaml_event_delete(&ev);
  }
  if (!root) fail(ld, MM_E_SYNTAX, 1, 1, "empty file");
  return ld->failed ? NULL : root;
}

mm_yaml *mm_yaml_load_string(mm_arena *arena, const char *name, const char *text,
                             size_t len, mm_yaml_error *err) {
  loader ld = {.arena = arena, .err = err, .text = text, .len = len};
  ld.file = mm_arena_strdup(arena, name);
  if (!ld.file) return NULL;
  if (!yaml_parser_initialize(&ld.parser)) {
    fail(&ld, MM_E_NOMEM, 0, 0, "out of memory");
    return NULL;
  }
  yaml_parser_set_input_string(&ld.parser, (const unsigned char *)text, len);
  mm_yaml *root = load(&ld);
  yaml_parser_delete(&ld.parser);
  return root;
}

mm_yaml *mm_yaml_load_file(mm_arena *arena, const char *path, mm_yaml_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    if (err) {
      err->code = errno == ENOENT ? MM_E_NOT_FOUND : MM_E_IO;
      snprintf(err->text, sizeof err->text, "%s: cannot open", path);
    }
    return NULL;
  }
  char *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len + 4096 > cap) {
      cap = cap ? cap * 2 : 65536;
      char *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        fclose(f);
        if (err) {
          err->code = MM_E_NOMEM;
          snprintf(err->text, sizeof err->text, "%s: out of memory", path);
        }
        return NULL;
      }
      buf = nb;
    }
    size_t n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (n == 0) break;
  }
  fclose(f);
  mm_yaml *root = mm_yaml_load_string(arena, path, buf ? buf : "", len, err);
  free(buf);
  return root;
}

mm_yaml *mm_yaml_get(const mm_yaml *map, const char *key) {
  if (!map || map->kind != MM_YAML_MAP) return NULL;
  for (size_t i = 0; i < map->n; i++)
    if (strcmp(map->keys[i]->str, key) == 0) return map->items[i];
  return NULL;
}
