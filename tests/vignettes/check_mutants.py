#!/usr/bin/env python3
"""check_mutants.py: proves that every expectation of the passing vignettes
can fail. For each expectation it writes a copy of its vignette with the
wanted value changed (a verdict flipped, a value moved, an input or drug that
is not there...) into a scratch directory, runs the vignette runner on it
alone, and reports every change the runner did not catch. Not part of
./test.sh (it runs the runner a few hundred times); run it after adding a
kind of expectation or a batch of vignettes:

    tests/vignettes/check_mutants.py [build/tests/test_vignettes]
"""
import copy, glob, json, os, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RUNNER = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build/tests/test_vignettes")


def mutants(key, val):
    """The changed values that must make the expectation fail; for
    not_verdict, at least one of them must."""
    if key == "verdict":
        return [{"met": "not_met", "not_met": "met", "unknown": "met"}[val]]
    if key == "not_verdict":
        return [w for w in ("met", "not_met", "unknown") if w != val]
    if key == "value":
        if val == "unknown":
            return [0]
        if isinstance(val, bool):
            return [not val]
        if isinstance(val, (int, float)):
            return [val + 1]
        return [val + "x", "unknown"]
    if key in ("excluded", "enrolling"):
        return [{True: False, False: True, "unknown": True}[val]]
    if key == "missing_includes":
        return ["no.such.input"]
    if key == "indication":
        return ["no_such_indication", None]
    if key == "refractory_drugs_include":
        return ["no_such_drug"]
    if key == "conditional":
        if isinstance(val, bool):
            return [not val]
        return ["no_such_decision", False]
    if key == "listed":
        return [not val]
    if key in ("note_id", "reimbursement"):
        if val is None:
            return ["not_relapsed" if key == "note_id" else "not_recorded"]
        return [val + "x", None]
    if key == "reimbursement_text_includes":
        return ["no such words"]
    return []  # rank_before and kinds added later: add a mutation above


def main():
    scratch = tempfile.mkdtemp(prefix="vignette-mutants-")
    env = dict(os.environ, MMPATH_VIGNETTES=scratch, MMPATH_KB=os.path.join(ROOT, "kb"))
    total, survivors = 0, []
    try:
        for path in sorted(glob.glob(os.path.join(HERE, "*.json"))):
            vignette = json.load(open(path))
            for i, exp in enumerate(vignette["expect"]):
                for key in list(exp):
                    caught = []
                    for new in mutants(key, exp[key]):
                        changed = copy.deepcopy(vignette)
                        changed["expect"][i][key] = new
                        for f in glob.glob(os.path.join(scratch, "*.json")):
                            os.remove(f)
                        with open(os.path.join(scratch, vignette["id"] + ".json"), "w") as out:
                            json.dump(changed, out)
                        run = subprocess.run([RUNNER], env=env, capture_output=True, text=True)
                        caught.append(run.returncode != 0 and "FAIL " + vignette["id"] in run.stderr)
                        total += 1
                    ok = any(caught) if key == "not_verdict" else all(caught)
                    if caught and not ok:
                        survivors.append("%s expect[%d].%s" % (vignette["id"], i, key))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("%d changed expectations, %d not caught" % (total, len(survivors)))
    for s in survivors:
        print("  not caught:", s)
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
