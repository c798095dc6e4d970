#!/usr/bin/env python3
"""big_records.py: records at the size limits, for bench/memory_peak.sh.

    big_records.py OUTDIR

Writes, from demo/patients/01-second-relapse.json (a valid record):
  labs-6.8MB.json      90k valid lab entries, 6.8 MB: over the byte limit
                       (issue #17 measured it at 84 MiB)
  labs-limit.json      valid lab entries up to just under the value limit
                       (MMPATH_RECORD_MAX_VALUES), about 3 MB
  numbers-limit.json   an unknown key holding numbers, just under the value
                       limit: the densest text (2 bytes a value)
  numbers-4MiB.json    the same, just under 4 MiB: 2 million values, over
                       the value limit
  bad-labs.json        lab entries with a test the kb does not have, just
                       under the value limit: one problem each
  lines.json           960 treatment lines, one a month from 1940 (the facts
                       walk every line)
  long-string.json     one string of 4 MiB less a little (the id)
  registry-1MiB.jsonl  2 registry lines of just under 1 MiB each (the
                       screening line limit), dense numbers, and one valid
                       record
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIB = 1 << 20
MAX_VALUES = 200000


def base():
    with open(os.path.join(ROOT, "demo/patients/01-second-relapse.json")) as f:
        return json.load(f)


def lab(i, test=None):
    tests = ["igg", "serum_m_protein", "hemoglobin", "creatinine", "calcium"]
    units = ["mg/dL", "g/dL", "g/dL", "mg/dL", "mg/dL"]
    y, d = 2019 + (i // 300) % 7, i % 28 + 1
    return {"date": "%d-%02d-%02d" % (y, i % 12 + 1, d), "test": test or tests[i % 5],
            "value": round(1.0 + (i % 97) / 10, 1), "unit": units[i % 5]}


def write(out, name, text):
    with open(os.path.join(out, name), "w") as f:
        f.write(text)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    d = base()
    d["labs"] = [lab(i) for i in range(89862)]
    write(out, "labs-6.8MB.json", json.dumps(d))
    d = base()  # each lab is 5 values; the rest of the record about 80
    d["labs"] = [lab(i) for i in range((MAX_VALUES - 200) // 5)]
    write(out, "labs-limit.json", json.dumps(d))
    for name, n in (("numbers-limit.json", MAX_VALUES - 200), ("numbers-4MiB.json", (4 * MIB - 2000) // 2)):
        text = json.dumps(base())[:-1] + ', "x": [' + ",".join(["0"] * n) + "]}"
        write(out, name, text)
    d = base()
    d["labs"] = [lab(i, "no_such_test") for i in range((MAX_VALUES - 200) // 5)]
    write(out, "bad-labs.json", json.dumps(d))
    d = base()
    lines = []
    for i in range(960):
        y = 1940 + i // 12
        lines.append({"drugs": ["lenalidomide", "dexamethasone"],
                      "start": "%d-%02d-01" % (y, i % 12 + 1),
                      "end": "%d-%02d-15" % (y, i % 12 + 1), "best_response": "PR",
                      "progression": "%d-%02d-20" % (y, i % 12 + 1)})
    d["lines"] = lines
    d["birth_date"] = "1930-01-01"
    d["diagnosis"]["date"] = "1939-06-01"
    write(out, "lines.json", json.dumps(d))
    d = base()
    d["id"] = "x" * (4 * MIB - 2000)
    write(out, "long-string.json", json.dumps(d))
    d = base()
    dense = json.dumps(d)[:-1] + ', "x": [' + ",".join(["0"] * ((MIB - 2000) // 2)) + "]}"
    write(out, "registry-1MiB.jsonl", dense + "\n" + dense + "\n" + json.dumps(base()) + "\n")


if __name__ == "__main__":
    main()
