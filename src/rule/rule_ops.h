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
 *   JUMP   k = target instruction
 *
 * X(name, layout, what it does). Comparisons push unknown when an operand is
 * unknown; ORDER CMP: LT LE GT GE EQ NE in each group (the compiler adds an
 * offset to the first of a group). */
#ifndef MM_RULE_OPS_H
#define MM_RULE_OPS_H

#define MM_RULE_OPS(X)                                                        \
  X(TRUE, NONE, "push true")                                                  \
  X(FALSE, NONE, "push false")                                                \
  X(LOAD, REF, "push boolean fact a")                                         \
  X(KNOWN, REF, "push true if fact a is known, else false (never unknown)")   \
  X(KNOWNT, NONE, "pop t; push true if t is not unknown, else false")         \
  X(NOT, NONE, "pop t; push not t (not unknown = unknown)")                   \
  X(EQB, NONE, "pop b, a; push a = b for booleans")                           \
  X(NEB, NONE, "pop b, a; push a != b for booleans")                          \
  X(JF, JUMP, "if the top is false, jump to k (the top stays)")               \
  X(JT, JUMP, "if the top is true, jump to k (the top stays)")                \
  X(ANDJ, JUMP, "pop b, a; push a and b; if that is false, jump to k")        \
  X(ORJ, JUMP, "pop b, a; push a or b; if that is true, jump to k")           \
  X(LTN, NUM, "push fact a < number k")                                       \
  X(LEN, NUM, "push fact a <= number k")                                      \
  X(GTN, NUM, "push fact a > number k")                                       \
  X(GEN, NUM, "push fact a >= number k")                                      \
  X(EQN, NUM, "push fact a = number k")                                       \
  X(NEN, NUM, "push fact a != number k")                                      \
  X(LTR, REF2, "push fact a < fact b (numbers)")                              \
  X(LER, REF2, "push fact a <= fact b (numbers)")                             \
  X(GTR, REF2, "push fact a > fact b (numbers)")                              \
  X(GER, REF2, "push fact a >= fact b (numbers)")                             \
  X(EQR, REF2, "push fact a = fact b (numbers)")                              \
  X(NER, REF2, "push fact a != fact b (numbers)")                             \
  X(EQS, STR, "push fact a = string k")                                       \
  X(NES, STR, "push fact a != string k")                                      \
  X(EQSR, REF2, "push fact a = fact b (strings)")                             \
  X(NESR, REF2, "push fact a != fact b (strings)")                            \
  X(INN, NLIST, "push fact a is one of the numbers of list k")                \
  X(INS, SLIST, "push fact a is one of the strings of list k")

typedef enum {
#define X(name, layout, doc) MM_OP_##name,
  MM_RULE_OPS(X)
#undef X
  MM_OP__COUNT
} mm_rule_op;

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
