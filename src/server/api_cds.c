/* api_cds.c: CDS Hooks (HL7): discovery (GET /cds-services) and one
 * patient-view service (POST /cds-services/mmpath-options) answering with
 * cards from the evaluation (shared clinical/landscape.md §4.2). */
#include <string.h>

#include "server/api.h"

void mm_ep_cds_discovery(mm_call *c) { mm_api_not_implemented(c, "CDS Hooks"); }
void mm_ep_cds_options(mm_call *c) { mm_api_not_implemented(c, "CDS Hooks"); }
