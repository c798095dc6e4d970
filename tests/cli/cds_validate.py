#!/usr/bin/env python3
"""cds_validate.py SCHEMA FILE...: validates JSON files against a JSON Schema
of tests/data/cds (the CDS Hooks 2.0 schemas written from the specification).
A small validator of the keywords those schemas use, so the tests need no
package: type, required, properties, additionalProperties, items, enum,
minLength, maxLength, minItems, pattern, $ref (#/$defs/...), allOf, not,
if/then, dependentRequired. An unknown keyword is an error, so a schema can
never check less than it says. Prints each error with its JSON path; exit 1
if any."""
import json
import re
import sys

KNOWN = {"$comment", "$defs", "type", "required", "properties", "additionalProperties",
         "items", "enum", "minLength", "maxLength", "minItems", "pattern", "$ref", "allOf",
         "not", "if", "then", "dependentRequired"}
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def is_type(v, t):
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "null":
        return v is None
    return isinstance(v, TYPES[t]) and not (t != "boolean" and isinstance(v, bool))


def check(v, s, root, path, errs):
    unknown = set(s) - KNOWN
    if unknown:
        raise SystemExit(f"schema keyword(s) not supported: {sorted(unknown)}")
    if "$ref" in s:
        name = s["$ref"].split("/")[-1]
        check(v, root["$defs"][name], root, path, errs)
    if "type" in s and not is_type(v, s["type"]):
        errs.append(f"{path}: not a {s['type']}")
        return
    if "enum" in s and v not in s["enum"]:
        errs.append(f"{path}: {v!r} not one of {s['enum']}")
    if isinstance(v, str):
        if "minLength" in s and len(v) < s["minLength"]:
            errs.append(f"{path}: shorter than {s['minLength']}")
        if "maxLength" in s and len(v) > s["maxLength"]:
            errs.append(f"{path}: {len(v)} characters, over {s['maxLength']}")
        if "pattern" in s and not re.search(s["pattern"], v):
            errs.append(f"{path}: {v!r} does not match {s['pattern']}")
    if isinstance(v, list):
        if "minItems" in s and len(v) < s["minItems"]:
            errs.append(f"{path}: fewer than {s['minItems']} items")
        for i, x in enumerate(v):
            if "items" in s:
                check(x, s["items"], root, f"{path}[{i}]", errs)
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                errs.append(f"{path}.{k}: required")
        for k, deps in s.get("dependentRequired", {}).items():
            for d in deps:
                if k in v and d not in v:
                    errs.append(f"{path}.{d}: required with {k}")
        props = s.get("properties", {})
        for k, x in v.items():
            if k in props:
                check(x, props[k], root, f"{path}.{k}", errs)
            elif s.get("additionalProperties") is False:
                errs.append(f"{path}.{k}: not allowed")
            elif isinstance(s.get("additionalProperties"), dict):
                check(x, s["additionalProperties"], root, f"{path}.{k}", errs)
    for sub in s.get("allOf", []):
        check(v, sub, root, path, errs)
    if "not" in s:
        e = []
        check(v, s["not"], root, path, e)
        if not e:
            errs.append(f"{path}: must not match {json.dumps(s['not'])}")
    if "if" in s:
        e = []
        check(v, s["if"], root, path, e)
        if not e and "then" in s:
            check(v, s["then"], root, path, errs)


def main():
    schema = json.load(open(sys.argv[1]))
    bad = 0
    for f in sys.argv[2:]:
        errs = []
        check(json.load(open(f)), schema, schema, "$", errs)
        for e in errs:
            print(f"{f}: {e}")
        bad += bool(errs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
