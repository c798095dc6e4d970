/* json_write.c: a parsed value back to compact JSON text (json.h). */
#include "json/json.h"

void mm_json_write(mm_strbuf *b, const mm_json *v) {
  switch (v->type) {
  case MM_JSON_NULL: mm_strbuf_puts(b, "null"); return;
  case MM_JSON_FALSE: mm_strbuf_puts(b, "false"); return;
  case MM_JSON_TRUE: mm_strbuf_puts(b, "true"); return;
  case MM_JSON_NUMBER:
    /* %.17g gives back the same double when read again */
    if (v->is_integer) mm_strbuf_printf(b, "%lld", (long long)v->integer);
    else mm_strbuf_printf(b, "%.17g", v->number);
    return;
  case MM_JSON_STRING: mm_strbuf_json_string(b, v->str); return;
  case MM_JSON_ARRAY:
    mm_strbuf_putc(b, '[');
    for (size_t i = 0; i < v->len; i++) {
      if (i) mm_strbuf_putc(b, ',');
      mm_json_write(b, v->items[i]);
    }
    mm_strbuf_putc(b, ']');
    return;
  case MM_JSON_OBJECT:
    mm_strbuf_putc(b, '{');
    for (size_t i = 0; i < v->len; i++) {
      if (i) mm_strbuf_putc(b, ',');
      mm_strbuf_json_string(b, v->members[i].key);
      mm_strbuf_putc(b, ':');
      mm_json_write(b, v->members[i].value);
    }
    mm_strbuf_putc(b, '}');
    return;
  }
}
