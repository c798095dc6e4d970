/* messages.c: see messages.h. */
#include "evaluate/messages.h"


#include <string.h>

#include "kb/fact_names.h"
#include "score/score.h"

static const char *const msgs[MM_MSG_COUNT][2] = {
#define MM_MSG_ROW_(code, en, it) [MM_MSG_##code] = {en, it},
    MM_MSG_LIST(MM_MSG_ROW_)
#undef MM_MSG_ROW_
};

const char *mm_msg_get(mm_msg m, mm_lang lang) {
  if ((unsigned)m >= MM_MSG_COUNT) return "";
  return msgs[m][lang == MM_LANG_IT ? 1 : 0];
}

static const struct {
  const char *id, *text[2];
} notes[MM_NOTE_COUNT] = {
#define MM_NOTE_ROW_(code, id, en, it) [MM_NOTE_##code] = {id, {en, it}},
    MM_NOTE_LIST(MM_NOTE_ROW_)
#undef MM_NOTE_ROW_
};

const char *mm_note_id(mm_note_code code) {
  return code > MM_NOTE_NONE && code < MM_NOTE_COUNT ? notes[code].id : NULL;
}

const char *mm_jurisdiction_label(mm_jurisdiction j, mm_lang lang) {
  return mm_msg_get(j == MM_JURIS_US   ? MM_MSG_JURIS_US
                    : j == MM_JURIS_IT ? MM_MSG_JURIS_IT
                                       : MM_MSG_JURIS_EU,
                    lang);
}

const char *mm_note_text(mm_note note, mm_lang lang, char *buf) {
  if (note.code <= MM_NOTE_NONE || note.code >= MM_NOTE_COUNT) return NULL;
  const char *s = notes[note.code].text[lang == MM_LANG_IT ? 1 : 0];
  const char *j = mm_jurisdiction_label(note.jurisdiction, lang);
  const char *st = mm_disease_state_label(note.state, lang);
  size_t n = 0;
  /* The table's texts are short and fixed: MM_NOTE_MAX bounds them with room
   * to spare; the check only keeps a future long entry from overflowing. */
  while (*s && n + 1 < MM_NOTE_MAX) {
    if (s[0] == '{' && (s[1] == 'j' || s[1] == 's') && s[2] == '}') {
      for (const char *p = s[1] == 'j' ? j : st; *p && n + 1 < MM_NOTE_MAX; p++) buf[n++] = *p;
      s += 3;
    } else {
      buf[n++] = *s++;
    }
  }
  buf[n] = '\0';
  return buf;
}

const char *mm_setting_label(const char *setting, mm_lang lang) {
  static const struct {
    const char *code;
    mm_msg msg;
  } names[] = {
      {"newly_diagnosed_transplant_eligible", MM_MSG_SETTING_NDTE},
      {"newly_diagnosed_transplant_ineligible", MM_MSG_SETTING_NDTI},
      {"first_relapse", MM_MSG_SETTING_FIRST_RELAPSE},
      {"second_relapse_or_later", MM_MSG_SETTING_LATER_RELAPSE},
      {"on_treatment", MM_MSG_SETTING_ON_TREATMENT},
  };
  if (!setting) return mm_msg_get(MM_MSG_SETTING_UNKNOWN, lang);
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (strcmp(names[i].code, setting) == 0) return mm_msg_get(names[i].msg, lang);
  return setting;
}

const char *mm_disease_state_label(const char *state, mm_lang lang) {
  static const mm_msg names[MM_DS_COUNT] = {
#define X(e, value) [MM_DS_##e] = MM_MSG_DS_##e,
      MM_DISEASE_STATES(X)
#undef X
  };
  if (!state) return mm_msg_get(MM_MSG_SETTING_UNKNOWN, lang);
  for (int i = 0; i < MM_DS_COUNT; i++)
    if (strcmp(mm_disease_state_values[i], state) == 0) return mm_msg_get(names[i], lang);
  return state;
}

const char *mm_trial_status_label(const char *status, mm_lang lang) {
  static const struct {
    const char *code;
    mm_msg msg;
  } names[] = {
      {"recruiting", MM_MSG_REG_RECRUITING},
      {"not_yet_recruiting", MM_MSG_REG_NOT_YET_RECRUITING},
      {"enrolling_by_invitation", MM_MSG_REG_BY_INVITATION},
      {"active_not_recruiting", MM_MSG_REG_ACTIVE_NOT_RECRUITING},
      {"completed", MM_MSG_REG_COMPLETED},
      {"terminated", MM_MSG_REG_TERMINATED},
      {"withdrawn", MM_MSG_REG_WITHDRAWN},
      {"suspended", MM_MSG_REG_SUSPENDED},
      {"unknown", MM_MSG_REG_UNKNOWN},
  };
  for (size_t i = 0; status && i < sizeof names / sizeof *names; i++)
    if (strcmp(names[i].code, status) == 0) return mm_msg_get(names[i].msg, lang);
  return status;
}

const char *mm_supportive_phase_label(mm_supportive_phase phase, mm_lang lang) {
  switch (phase) {
  case MM_PHASE_BEFORE_DURING: return mm_msg_get(MM_MSG_PHASE_BEFORE_DURING, lang);
  case MM_PHASE_AFTER_CAR_T: return mm_msg_get(MM_MSG_PHASE_AFTER_CAR_T, lang);
  case MM_PHASE_AFTER_BISPECIFIC: return mm_msg_get(MM_MSG_PHASE_AFTER_BISPECIFIC, lang);
  case MM_PHASE_ANY: break;
  }
  return mm_msg_get(MM_MSG_PHASE_ANY, lang);
}

const char *mm_fact_value_label(int slot, const char *value, mm_lang lang) {
  static const struct {
    const char *code;
    mm_msg msg;
  } sexes[] = {
      {"male", MM_MSG_SEX_MALE}, {"female", MM_MSG_SEX_FEMALE}, {"other", MM_MSG_SEX_OTHER}};
  /* English shows the codes, as the rules write them. */
  if (lang == MM_LANG_EN || !value) return value;
  switch (slot) {
  case MM_F_SETTING: return mm_setting_label(value, lang);
  case MM_F_DISEASE_STATE: return mm_disease_state_label(value, lang);
  case MM_F_FRAILTY: return mm_score_value_label(value, lang);
  case MM_F_SEX:
    for (size_t i = 0; i < sizeof sexes / sizeof *sexes; i++)
      if (strcmp(sexes[i].code, value) == 0) return mm_msg_get(sexes[i].msg, lang);
    return value;
  default: return value;
  }
}

const char *mm_fact_unit_label(const char *unit, double value, mm_lang lang) {
  static const struct {
    const char *unit;
    mm_msg many, one;
  } units[] = {
      {"years", MM_MSG_UNIT_YEARS, MM_MSG_UNIT_YEARS_ONE},
      {"months", MM_MSG_UNIT_MONTHS, MM_MSG_UNIT_MONTHS_ONE},
      {"lines", MM_MSG_UNIT_LINES, MM_MSG_UNIT_LINES_ONE},
      {"points", MM_MSG_UNIT_POINTS, MM_MSG_UNIT_POINTS_ONE},
  };
  for (size_t i = 0; unit && i < sizeof units / sizeof *units; i++)
    if (strcmp(units[i].unit, unit) == 0)
      return mm_msg_get(value == 1 ? units[i].one : units[i].many, lang);
  return unit;
}
