#!/usr/bin/env python3
"""Explains every difference between `mmpath screen --criteria
bench/reference-task.yaml` and the reference task's peers (shared/bench).

    agreement.py INPUT.jsonl MMPATH_OUTPUT.jsonl PEER_OUTPUT.txt [IMWG_OUTPUT.jsonl]

PEER_OUTPUT is the task's output of a peer (e.g. `python3 peers/screen.py
INPUT`). mmpath's criteria are the task's (len_refractory is
progressed_on(lenalidomide), the task's progression-only definition), but
mmpath reads drug names and validates records as the patient-record spec
says, which the task deliberately simplifies (TASK.md), so some records
differ. Each difference is put in one of the known classes below, each a
documented case where the task's simplification and mmpath part
(docs/screen.md, "The reference task"); anything else is UNEXPLAINED and the
script exits 1. IMWG_OUTPUT, when given, is `mmpath screen --criteria
bench/len-refractory-imwg.yaml INPUT`: a record whose len_refractory is true
and whose full IMWG refractoriness (len_refractory_imwg) is not fails too
(the progression arm implies refractoriness), and the records refractory
only through the other arms are counted.

  drug_name_case    a drug written with other capitals ("Lenalidomide"): the
                    task matches exact strings, mmpath matches drug names as
                    the spec says (INN, brand, synonym; case ignored)
  drug_object       a drug given as {name, start, end}: allowed by the spec,
                    malformed by the task's rule 5
  stricter_validation  mmpath rejects a record the task screens (e.g. a
                    negative platelet count, a lab value outside its plausible
                    range, an unknown drug); the error says which field
"""
import json
import sys

CRIT = ["prior_lines", "pi_exposed", "imid_exposed", "cd38_exposed", "progressed_on_last"]


def task_record(o):
    return o["id"], {"tec_eligible": o["tec_eligible"], "len_refractory": o["len_refractory"],
                     "failed": o["failed"]}


def mm_view(o):
    c = o.get("criteria", {})
    failed = [k for k in CRIT if c.get(k) is not True]
    return {"tec_eligible": c.get("tec_eligible") is True,
            "len_refractory": c.get("len_refractory") is True, "failed": failed}


def drugs_of(line):
    out = []
    if isinstance(line, dict):
        for key in ("drugs",):
            if isinstance(line.get(key), list):
                out += line[key]
        m = line.get("maintenance")
        if isinstance(m, dict) and isinstance(m.get("drugs"), list):
            out += m["drugs"]
    return out


def lines_of(rec):
    L = rec.get("lines") if isinstance(rec, dict) else None
    return L if isinstance(L, list) else []


def has_case_variant(rec):
    for ln in lines_of(rec):
        for d in drugs_of(ln):
            name = d.get("name") if isinstance(d, dict) else d
            if isinstance(name, str) and name != name.lower():
                return True
    return False


def has_drug_object(rec):
    return any(isinstance(d, dict) for ln in lines_of(rec) for d in drugs_of(ln))


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    inp, mm_out, peer_out = sys.argv[1:4]
    imwg_out = sys.argv[4] if len(sys.argv) == 5 else None
    records = {}
    with open(inp, encoding="utf-8") as f:
        for line in f:
            try:
                o = json.loads(line)
            except ValueError:
                continue
            if isinstance(o, dict) and isinstance(o.get("id"), str):
                records.setdefault(o["id"], o)
    peer = {}
    with open(peer_out) as f:
        for line in f:
            o = json.loads(line)
            if "summary" not in o:
                i, v = task_record(o)
                peer[i] = v
    mm, mm_err, imwg_only, not_implied = {}, {}, 0, []
    with open(mm_out) as f:
        for line in f:
            o = json.loads(line)
            if "summary" in o and "id" not in o:
                continue
            if "error" in o:
                if o.get("id") is not None:
                    mm_err[o["id"]] = o["error"]
                continue
            mm[o["id"]] = mm_view(o)
    if imwg_out:
        with open(imwg_out) as f:
            for line in f:
                o = json.loads(line)
                if "error" in o or "id" not in o:
                    continue
                c = o.get("criteria", {})
                if c.get("len_refractory") is True and c.get("len_refractory_imwg") is not True:
                    not_implied.append(o["id"])
                imwg_only += (c.get("len_refractory") is not True and
                              c.get("len_refractory_imwg") is True)
    classes, unexplained = {}, []

    def note(cls, rid, why=""):
        classes.setdefault(cls, []).append((rid, why))

    for rid in sorted(set(peer) | set(mm) | set(mm_err)):
        p, m = peer.get(rid), mm.get(rid)
        rec = records.get(rid, {})
        if p is not None and m is None:
            if rid in mm_err:
                note("stricter_validation", rid, "; ".join(
                    "%s: %s" % (e.get("path"), e.get("message")) for e in mm_err[rid]))
            else:
                unexplained.append((rid, "screened by the task, absent from mmpath"))
            continue
        if p is None and m is not None:
            if has_drug_object(rec):
                note("drug_object", rid)
            else:
                unexplained.append((rid, "malformed for the task, screened by mmpath"))
            continue
        if p is None or p == m:
            continue
        if has_case_variant(rec):
            note("drug_name_case", rid)
        else:
            unexplained.append((rid, "task %s, mmpath %s" % (p, m)))
    for rid in not_implied:
        unexplained.append((rid, "mmpath len_refractory (progressed_on) true, "
                                 "len_refractory_imwg (refractory) not"))
    total = len(set(peer) | set(mm) | set(mm_err))
    print("records compared: %d; identical: %d" %
          (total, total - sum(len(v) for v in classes.values()) - len(unexplained)))
    for cls, items in sorted(classes.items()):
        print("  %-20s %6d  e.g. %s%s" % (cls, len(items), items[0][0],
                                          (" (" + items[0][1] + ")") if items[0][1] else ""))
    if imwg_out:
        print("  (len_refractory_imwg, not compared: refractory without progression on it, "
              "e.g. SD/PD as best response, on %d records)" % imwg_only)
    for rid, why in unexplained[:20]:
        print("  UNEXPLAINED %s: %s" % (rid, why))
    if unexplained:
        print("  UNEXPLAINED differences: %d" % len(unexplained))
        sys.exit(1)
    print("  every difference is one of the documented classes")


if __name__ == "__main__":
    main()
