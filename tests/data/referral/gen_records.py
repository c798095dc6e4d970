#!/usr/bin/env python3
"""gen_records.py N PREFIX: N synthetic ide-cel referrals from referral to
follow-up with records after infusion (product and lot, a CRS episode with
its signs, a day-7 visit), dated in the past, as mmpath/referral@1 JSON on
stdout. Synthetic and pseudonymous; for the kill -9 test."""
import datetime, json, sys

n, prefix = int(sys.argv[1]), sys.argv[2]
today = datetime.date.today()
out = []
for i in range(n):
    d0 = today - datetime.timedelta(days=300 + i % 50)
    day = lambda k: str(d0 + datetime.timedelta(days=k))
    moves = ["referred", "waitlisted", "screening", "eligible", "apheresis", "manufacturing",
             "awaiting_infusion", "infused", "follow_up"]
    ev = [{"date": day(k * 5), "state": s} for k, s in enumerate(moves)]
    inf = day(35)
    ev += [
        {"date": inf, "state": "follow_up", "kind": "product",
         "data": {"product": "ide-cel", "lot": "LOT-%s-%05d" % (prefix, i)}},
        {"date": day(36), "state": "follow_up", "kind": "crs",
         "data": {"resolution": day(38),
                  "signs": [{"date": day(36), "fever": True, "hypotension": "none", "hypoxia": "none"}]}},
        {"date": day(42), "state": "follow_up", "kind": "visit",
         "data": {"visit": "d7", "status": "alive", "anc": 0.8}},
    ]
    out.append({"schema": "mmpath/referral@1", "id": "%s-%05d" % (prefix, i),
                "patient": "%s-P%05d" % (prefix, i), "from_center": "FE-ONC",
                "to_center": "BO-SER", "target": "ide-cel", "events": ev})
json.dump(out, sys.stdout, indent=1)
