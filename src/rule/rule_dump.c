/* rule_dump.c: the disassembler. It prints a compiled rule's code, one
 * instruction per line, with the facts named as they were written, so a
 * reviewer can see what the compiler made of a criterion:
 *      0  GEN    r0 prior_lines, 3; jf -> 3
 *      1  LOAD   r1 exposed(PI); and -> 3
 * Opcode names and operand layouts come from the one list in rule_ops.h. */
#include "rule/rule_code.h"
#include "util/strbuf.h"

static const char *const op_names[] = {
#define X(name, layout, leaf, doc) #name,
    MM_RULE_OPS(X)
#undef X
};

static const mm_rule_layout op_layouts[] = {
#define X(name, layout, leaf, doc) MM_OPL_##layout,
    MM_RULE_OPS(X)
#undef X
};

static void ref(const mm_rule *r, mm_strbuf *b, unsigned i) {
  mm_strbuf_printf(b, "r%u %s", i, i < r->n_refs ? r->ref_names[i] : "?");
}

static void str_lit(mm_strbuf *b, const char *s) {
  mm_strbuf_printf(b, "'%s'", s);
}

void mm_rule_dump(const mm_rule *r, mm_strbuf *b) {
  for (uint32_t pc = 0; pc < r->n_code; pc++) {
    const mm_rule_ins *in = &r->code[pc];
    if (in->op >= MM_OP__COUNT) {
      mm_strbuf_printf(b, "%6u  ??? %u\n", pc, in->op);
      continue;
    }
    mm_strbuf_printf(b, "%6u  %-6s ", pc, op_names[in->op]);
    switch (op_layouts[in->op]) {
    case MM_OPL_NONE: break;
    case MM_OPL_REF: ref(r, b, in->a); break;
    case MM_OPL_NUM:
      ref(r, b, in->a);
      mm_strbuf_printf(b, ", %g", r->nums[in->k]);
      break;
    case MM_OPL_STR:
      ref(r, b, in->a);
      mm_strbuf_puts(b, ", ");
      str_lit(b, r->strs[in->k]);
      break;
    case MM_OPL_REF2:
      ref(r, b, in->a);
      mm_strbuf_puts(b, ", ");
      ref(r, b, in->b);
      break;
    case MM_OPL_NLIST:
    case MM_OPL_SLIST: {
      mm_rule_list l = r->lists[in->k];
      ref(r, b, in->a);
      mm_strbuf_puts(b, ", [");
      for (uint32_t i = 0; i < l.n; i++) {
        if (i) mm_strbuf_puts(b, ", ");
        if (op_layouts[in->op] == MM_OPL_NLIST) mm_strbuf_printf(b, "%g", r->nums[l.start + i]);
        else str_lit(b, r->strs[l.start + i]);
      }
      mm_strbuf_putc(b, ']');
      break;
    }
    case MM_OPL_JUMP: mm_strbuf_printf(b, "-> %u", in->j); break;
    }
    static const char *const modes[] = {"", "jf", "jt", "and", "or"};
    if (in->mode != MM_MODE_PUSH && in->mode < sizeof modes / sizeof modes[0])
      mm_strbuf_printf(b, "; %s -> %u", modes[in->mode], in->j);
    /* no trailing blanks: NONE-layout lines end right after the name */
    while (b->len && b->data[b->len - 1] == ' ') b->data[--b->len] = '\0';
    mm_strbuf_putc(b, '\n');
  }
}

const char *mm_rule_slot_name(const mm_rule *r, int slot) {
  for (uint32_t i = 0; i < r->n_refs; i++)
    if (r->slots[i] == slot) return r->ref_names[i];
  return NULL;
}

const char *mm_rule_op_name(int op) {
  return op >= 0 && op < MM_OP__COUNT ? op_names[op] : NULL;
}
