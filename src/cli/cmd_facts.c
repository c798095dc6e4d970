#include <stdio.h>
#include "cli/cli.h"
int mm_cmd_facts(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "facts: under construction\n"); return MM_EXIT_INTERNAL; }
