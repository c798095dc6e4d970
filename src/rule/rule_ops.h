/* rule_ops.h: the one list of the rule VM's opcodes (as jq's opcode_list.h).
 * Each line generates an enum member (MM_OP_<name>), its name for the
 * disassembler, and its operand layout. The VM is a stack of truth values;
 * comparisons of facts with constants are single fused instructions, so a
 * typical criterion runs in a dozen dispatches.
 *
 * Operand layouts (mm_rule_ins fields a, b, k):
 *   NONE   no operand
 *   REF    a = reference (index into the rule's distinct facts)
 *   NUM    a = reference, k = index into the number pool
 *   STR    a = reference, k = index into the string pool
 *   REF2   a, b = references
 *   NLIST  a = reference, k = index into the list table (numbers)
 *   SLIST  a = reference, k = index into the list table (strings)
 *   JUMP   j = target instruction
 *
 * Leaf instructions (a fact read and tested: LOAD, KNOWN, the comparisons,
 * INN, INS) also carry a mode (mm_rule_ins.mode) saying how their value is
 * delivered, so the terms of an 'and'/'or' chain need no instruction of
 * their own for the short-circuit (a superinstruction, as in Lua's OP_TEST
 * family):
 *   PUSH   push it
 *   JF     push it; if false, jump to j        (first term of an 'and')
 *   JT     push it; if true, jump to j         (first term of an 'or')
 *   AND    top = top and it; if false, jump to j
 *   OR     top = top or it; if true, jump to j
 * The disassembler prints a non-PUSH mode after the operands ("; and -> 9").
 *
 * X(name, layout, leaf, what it does). Comparisons push unknown when an
 * operand is unknown; ORDER CMP: LT LE GT GE EQ NE in each group (the
 * compiler adds an offset to the first of a group). */
#ifndef MM_RULE_OPS_H
#define MM_RULE_OPS_H

#define MM_RULE_OPS(X)                                                        \
  X(TRUE, NONE, 0, "push true")                                                \
  X(FALSE, NONE, 0, "push false")                                              \
  X(LOAD, REF, 1, "push boolean fact a")                                       \
  X(KNOWN, REF, 1, "push true if fact a is known, else false (never unknown)") \
  X(KNOWNT, NONE, 0, "pop t; push true if t is not unknown, else false")       \
  X(NOT, NONE, 0, "pop t; push not t (not unknown = unknown)")                 \
  X(EQB, NONE, 0, "pop b, a; push a = b for booleans")                         \
  X(NEB, NONE, 0, "pop b, a; push a != b for booleans")                        \
  X(JF, JUMP, 0, "if the top is false, jump to j (the top stays)")             \
  X(JT, JUMP, 0, "if the top is true, jump to j (the top stays)")              \
  X(ANDJ, JUMP, 0, "pop b, a; push a and b; if that is false, jump to j")      \
  X(ORJ, JUMP, 0, "pop b, a; push a or b; if that is true, jump to j")         \
  X(LTN, NUM, 1, "push fact a < number k")                                     \
  X(LEN, NUM, 1, "push fact a <= number k")                                    \
  X(GTN, NUM, 1, "push fact a > number k")                                     \
  X(GEN, NUM, 1, "push fact a >= number k")                                    \
  X(EQN, NUM, 1, "push fact a = number k")                                     \
  X(NEN, NUM, 1, "push fact a != number k")                                    \
  X(LTR, REF2, 1, "push fact a < fact b (numbers)")                            \
  X(LER, REF2, 1, "push fact a <= fact b (numbers)")                           \
  X(GTR, REF2, 1, "push fact a > fact b (numbers)")                            \
  X(GER, REF2, 1, "push fact a >= fact b (numbers)")                           \
  X(EQR, REF2, 1, "push fact a = fact b (numbers)")                            \
  X(NER, REF2, 1, "push fact a != fact b (numbers)")                           \
  X(EQS, STR, 1, "push fact a = string k")                                     \
  X(NES, STR, 1, "push fact a != string k")                                    \
  X(EQSR, REF2, 1, "push fact a = fact b (strings)")                           \
  X(NESR, REF2, 1, "push fact a != fact b (strings)")                          \
  X(INN, NLIST, 1, "push fact a is one of the numbers of list k")              \
  X(INS, SLIST, 1, "push fact a is one of the strings of list k")

typedef enum {
#define X(name, layout, leaf, doc) MM_OP_##name,
  MM_RULE_OPS(X)
#undef X
  MM_OP__COUNT
} mm_rule_op;

typedef enum { MM_MODE_PUSH, MM_MODE_JF, MM_MODE_JT, MM_MODE_AND, MM_MODE_OR } mm_rule_mode;

typedef enum {
  MM_OPL_NONE,
  MM_OPL_REF,
  MM_OPL_NUM,
  MM_OPL_STR,
  MM_OPL_REF2,
  MM_OPL_NLIST,
  MM_OPL_SLIST,
  MM_OPL_JUMP
} mm_rule_layout;

#endif
