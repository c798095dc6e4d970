#!/usr/bin/env bash
# gen_bulk.sh N [PREFIX]: prints a JSON array of N synthetic mmpath/referral@1
# referrals (ids PREFIX-000001...), every history allowed by the pathway, for
# the kill -9 test (tests/cli/referral_kill9.sh) and the benchmark
# (bench/referral_bench.sh). Ten shapes cycle: excluded, not eligible,
# waiting, infused and followed, manufacturing failure then re-apheresis, ...
set -euo pipefail
n=${1:?usage: gen_bulk.sh N [PREFIX]}
prefix=${2:-B}
awk -v n="$n" -v p="$prefix" '
function d(k,   t, y, m, dd, ml) {   # 2022-01-01 + k days, as YYYY-MM-DD
  y = 2022; m = 1; dd = 1 + k
  while (1) {
    ml = (m == 2) ? ((y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28) \
       : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31
    if (dd <= ml) break
    dd -= ml; m++; if (m > 12) { m = 1; y++ }
  }
  return sprintf("%04d-%02d-%02d", y, m, dd)
}
function ev(k, s, r) {
  return sprintf("%s{\"date\":\"%s\",\"state\":\"%s\"%s}", (ne++ ? "," : ""), d(k), s, \
                 r == "" ? "" : ",\"reason\":\"" r "\"")
}
BEGIN {
  split("FE-ONC RN-EMA MO-EMA PR-EMA BO-SER", centres, " ")
  split("progression lost_to_follow_up patient_refusal protocol_closed exclusion_criteria", excl, " ")
  split("aggressive_disease comorbidities anti_bcma_refractory", neg, " ")
  print "["
  for (i = 1; i <= n; i++) {
    b = (i * 7) % 1000; shape = i % 10; ne = 0
    e = ev(b, "referred", "")
    if (shape == 0) e = e ev(b + 5, "excluded", excl[1 + i % 5])
    else {
      e = e ev(b + 3, "waitlisted", "")
      if (shape == 1) e = e ev(b + 20, "excluded", excl[1 + i % 5])
      else if (shape >= 2) {
        e = e ev(b + 9, "screening", "")
        if (shape == 2) e = e ev(b + 14, "not_eligible", neg[1 + i % 3])
        else if (shape >= 3) {
          e = e ev(b + 14, "eligible", "")
          if (shape == 3) e = e ev(b + 15, "awaiting_apheresis", "")
          else {
            e = e ev(b + 16 + i % 9, "apheresis", "") ev(b + 27, "manufacturing", "")
            if (shape == 4) e = e ev(b + 50, "manufacturing_failed", "") ev(b + 60, "apheresis", "")
            else if (shape == 5) e = e ev(b + 40, "not_infused", "progression")
            else {
              e = e ev(b + 55, "awaiting_infusion", "") ev(b + 60 + i % 11, "infused", "")
              if (shape >= 7) e = e ev(b + 90, "follow_up", "")
              if (shape == 9) e = e ev(b + 200, "died", "")
            }
          }
        }
      }
    }
    printf "{\"schema\":\"mmpath/referral@1\",\"id\":\"%s-%06d\",\"patient\":\"PX-%06d\",\"from_center\":\"%s\",\"to_center\":\"BO-SER\",\"target\":\"%s\",\"events\":[%s]}%s\n", \
      p, i, i, centres[1 + i % 5], (i % 3 ? "ide-cel" : "cilta-cel"), e, (i < n ? "," : "")
  }
  print "]"
}'
