/* cmd_kb_rule.h: `mmpath kb rule ID [--dump]` (cmd_kb_rule.c), run by
 * cmd_kb.c once the knowledge base is loaded. */
#ifndef MM_CMD_KB_RULE_H
#define MM_CMD_KB_RULE_H
#include <stdbool.h>

#include "kb/kb.h"

/* Prints the rule of kb named id: its id, what it is, where it is written
 * (file:line), its text and expression; with dump, the compiled code too.
 * An id that names no rule, or several, is reported on stderr with the
 * candidates. Returns an exit code (cli.h). */
int mm_cmd_kb_rule(const mm_kb *kb, const char *id, bool dump);

#endif
