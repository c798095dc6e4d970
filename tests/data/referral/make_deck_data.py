#!/usr/bin/env python3
"""make_deck_data.py: writes the two referral files that rebuild the deck's
funnel slides (Seràgnoli CAR-T hub deck, section "Esperienza dell'Ematologia
Seràgnoli"): deck_trials_2018_2021.json and deck_idecel_6months.json.

The slides give counts, not records: these are synthetic referrals written to
match them, with pseudonymous ids. Only what a slide states is encoded; where
the slide is silent the record stops at the last stated fact (the 39
screened/enrolled stay in `screening`) or uses a documented placeholder (the
one "not infused after apheresis" gets reason `other`). Run it from anywhere;
the output is deterministic. docs/referral.md explains the choices."""
import datetime as dt
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
HUB = "BO-SER"
SPOKES = ["FE-ONC", "RN-EMA", "MO-EMA", "PR-EMA", "RE-EMA", "FC-EMA", "AN-EMA", "PD-EMA"]


def day(d):
    return d.isoformat()


def trials():
    """Slide 1: trials July 2018 - October 2021 (KarMMa ide-cel, CARTITUDE cilta-cel).
    120 requests; 47 taken into care (12 own, 35 other); 73 excluded, all
    referred by other centres ("73 pazienti esclusi riferiti da centri
    referral"); 39 screened/enrolled (11 own, 28 other); 8 pending at closure.
    Reasons of the 73: the slide's 17/11/7/17/48 % cannot all be met by whole
    patients out of 73 (no n gives 17%: 12/73 = 16.4%, 13/73 = 17.8%); we use
    progression 12, lost to follow-up 8, refusal 5, protocol closed 13,
    exclusion criteria 35 (sum 73): 16/11/7/18/48 %."""
    start, until = dt.date(2018, 7, 2), dt.date(2021, 10, 31)
    kinds = (["excl:progression"] * 12 + ["excl:lost_to_follow_up"] * 8 +
             ["excl:patient_refusal"] * 5 + ["excl:protocol_closed"] * 13 +
             ["excl:exclusion_criteria"] * 35 +
             ["screened:own"] * 11 + ["screened:other"] * 28 +
             ["pending:own"] * 1 + ["pending:other"] * 7)
    assert len(kinds) == 120
    # Interleave deterministically so every kind spreads over the window.
    order = sorted(range(120), key=lambda i: (i * 37) % 120)
    out = []
    for n, i in enumerate(order):
        kind = kinds[i]
        d0 = start + dt.timedelta(days=10 * n)
        own = kind.endswith(":own")
        r = {
            "schema": "mmpath/referral@1",
            "id": "T-%03d" % (n + 1),
            "patient": "PT-%04d" % (n + 1),
            "from_center": HUB if own else SPOKES[n % len(SPOKES)],
            "to_center": HUB,
            "target": "ide-cel" if n % 2 == 0 else "cilta-cel",
            "events": [{"date": day(d0), "state": "referred"}],
        }
        ev = r["events"]
        if kind.startswith("excl:"):
            ev.append({"date": day(min(d0 + dt.timedelta(days=5), until)), "state": "excluded",
                       "reason": kind.split(":")[1]})
        else:
            ev.append({"date": day(min(d0 + dt.timedelta(days=4), until)), "state": "waitlisted"})
            if kind.startswith("screened"):
                ev.append({"date": day(min(d0 + dt.timedelta(days=12), until)),
                           "state": "screening"})
        out.append(r)
    return out


def idecel():
    """Slide 2: first 6 months of ide-cel in routine care, 23 evaluated.
    Negative 10: aggressive disease (PCL/EMD) 7, comorbidities 2, anti-BCMA
    refractory 1. Positive 13: infused and ongoing 5, not infused after
    apheresis 1, waiting admission/infusion 3, manufacturing failure 1,
    waiting apheresis 3. Origin (own 8, other 15) and the median times (19 days
    referral to apheresis, 45 apheresis to infusion) are the spec's example,
    not the slide's: the slide gives neither."""
    start = dt.date(2023, 3, 1)
    kinds = (["neg:aggressive_disease"] * 7 + ["neg:comorbidities"] * 2 +
             ["neg:anti_bcma_refractory"] * 1 + ["follow_up"] * 5 + ["not_infused"] +
             ["awaiting_infusion"] * 3 + ["manufacturing_failed"] + ["awaiting_apheresis"] * 3)
    assert len(kinds) == 23
    ref_to_aph = iter([14, 15, 17, 18, 19, 19, 21, 23, 26, 30])   # median 19
    aph_to_inf = iter([38, 42, 45, 49, 56])                       # median 45
    own = set(range(0, 23, 3))                                    # 8 own
    out = []
    for i, kind in enumerate(kinds):
        d0 = start + dt.timedelta(days=4 * i)
        at = lambda k: day(d0 + dt.timedelta(days=k))
        ev = [{"date": at(0), "state": "referred"}, {"date": at(3), "state": "waitlisted"},
              {"date": at(7), "state": "screening"}]
        if kind.startswith("neg:"):
            ev.append({"date": at(10), "state": "not_eligible", "reason": kind[4:]})
        else:
            ev.append({"date": at(10), "state": "eligible"})
            if kind == "awaiting_apheresis":
                ev.append({"date": at(11), "state": "awaiting_apheresis"})
            else:
                a = next(ref_to_aph)
                ev.append({"date": at(a), "state": "apheresis"})
                if kind == "not_infused":
                    ev.append({"date": at(a + 5), "state": "not_infused", "reason": "other",
                               "note": "reason not given on the slide"})
                else:
                    ev.append({"date": at(a + 2), "state": "manufacturing"})
                    if kind == "manufacturing_failed":
                        ev.append({"date": at(a + 30), "state": "manufacturing_failed"})
                    elif kind == "awaiting_infusion":
                        ev.append({"date": at(a + 35), "state": "awaiting_infusion"})
                    else:
                        b = next(aph_to_inf)
                        ev.append({"date": at(a + b - 7), "state": "awaiting_infusion"})
                        ev.append({"date": at(a + b), "state": "infused"})
                        ev.append({"date": at(a + b + 10), "state": "follow_up"})
        out.append({
            "schema": "mmpath/referral@1",
            "id": "I-%03d" % (i + 1),
            "patient": "PI-%04d" % (i + 1),
            "from_center": HUB if i in own else SPOKES[i % len(SPOKES)],
            "to_center": HUB,
            "target": "ide-cel",
            "events": ev,
        })
    assert max(e["date"] for r in out for e in r["events"]) <= "2023-08-31"
    return out


for name, data in [("deck_trials_2018_2021.json", trials()),
                   ("deck_idecel_6months.json", idecel())]:
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        f.write("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in data) + "\n]\n")
