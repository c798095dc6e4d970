#!/usr/bin/env python3
"""Writes the IMWG test bundles of tests/data/fhir/ (issue #13 item 5) and
their expected readings (NAME.expected.json, checked by tests/cli/fhir.sh).
Run it again after changing a bundle here; the JSON files are what the tests
read. Every identifier and name in them is invented."""
import json, os, uuid, datetime as dt, hashlib

OUT = os.path.dirname(os.path.abspath(__file__))
RX = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
SCT = "http://snomed.info/sct"
LOINC = "http://loinc.org"
AIC = "urn:oid:2.16.840.1.113883.2.9.6.1.5"  # AIFA AIC product codes (HL7 Italia)
ICD9 = "http://hl7.org/fhir/sid/icd-9-cm"
CPT = "http://www.ama-assn.org/go/cpt"
MC = "http://hl7.org/fhir/us/mcode/StructureDefinition/"

RXC = {"bortezomib": "358258", "lenalidomide": "342369", "thalidomide": "10432",
       "daratumumab": "1721947", "carfilzomib": "1302966", "melphalan": "6718"}
ATCC = {"dexamethasone": "H02AB02", "pomalidomide": "L04AX06", "isatuximab": "L01FC02",
        "cyclophosphamide": "L01AA01", "selinexor": "L01XX66", "ciltacabtagene autoleucel": "L01XL05",
        "teclistamab": "L01FX24"}


def d(s):
    return dt.date.fromisoformat(s)


def add(s, days):
    return (d(s) + dt.timedelta(days=days)).isoformat()


def uid(seed):
    return str(uuid.UUID(hashlib.md5(seed.encode()).hexdigest()))


def coding(drug, text=None):
    cc = {"coding": []}
    if drug in RXC:
        cc["coding"].append({"system": RX, "code": RXC[drug], "display": drug})
    elif drug in ATCC:
        cc["coding"].append({"system": ATC, "code": ATCC[drug], "display": drug})
    cc["text"] = text or drug
    return cc


def subj(pref):
    return {"reference": pref}


def cycles(drug, start, n, length=28, days=21):
    """n cycles: one period per cycle (the drug given on days 1..days)."""
    out = []
    for i in range(n):
        s = add(start, i * length)
        out.append((drug, s, add(s, days - 1)))
    return out


def write(name, bundle, expected):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(bundle, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(OUT, name + ".expected.json"), "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")


def med_admin(mid, pref, drug, start, end, status="completed", text=None, reason=None,
              profile=None):
    r = {"resourceType": "MedicationAdministration", "id": mid, "status": status,
         "medicationCodeableConcept": coding(drug, text), "subject": subj(pref),
         "effectivePeriod": {"start": start, "end": end} if end else {"start": start}}
    if reason:
        r["statusReason"] = [{"coding": [{"system": SCT, "code": reason[0], "display": reason[1]}]}]
    if profile:
        r["meta"] = {"profile": [profile]}
    return r


def med_stmt(mid, pref, drug, start, end, status="completed", text=None):
    r = {"resourceType": "MedicationStatement", "id": mid, "status": status,
         "medicationCodeableConcept": coding(drug, text), "subject": subj(pref),
         "effectivePeriod": {"start": start, "end": end} if end else {"start": start}}
    return r


def progression(oid, pref, date, profile=False):
    r = {"resourceType": "Observation", "id": oid, "status": "final",
         "code": {"coding": [{"system": LOINC, "code": "97509-4", "display": "Cancer Disease Progression"}]},
         "subject": subj(pref), "effectiveDateTime": date,
         "valueCodeableConcept": {"coding": [{"system": SCT, "code": "271299001",
                                              "display": "Patient's condition worsened (finding)"}]}}
    if profile:
        r["meta"] = {"profile": [MC + "mcode-cancer-disease-status"]}
    return r


def asct(pid, pref, date, system=CPT, code="38241", display="HPC AUTOLOGOUS TRANSPLANT"):
    return {"resourceType": "Procedure", "id": pid, "status": "completed",
            "code": {"coding": [{"system": system, "code": code, "display": display}], "text": display},
            "subject": subj(pref), "performedDateTime": date}


def cytogenetics(oid, pref, iscn, present, date, profile=True):
    val = ("LA9633-4", "Present") if present else ("LA9634-2", "Absent")
    interp = ("POS", "Positive") if present else ("NEG", "Negative")
    r = {"resourceType": "Observation", "id": oid, "status": "final",
         "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}],
         "code": {"coding": [{"system": LOINC, "code": "69548-6", "display": "Genetic variant assessment"}]},
         "subject": subj(pref), "effectiveDateTime": date,
         "valueCodeableConcept": {"coding": [{"system": LOINC, "code": val[0], "display": val[1]}]},
         "interpretation": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": interp[0], "display": interp[1]}]}],
         "method": {"coding": [{"system": LOINC, "code": "LA26406-1", "display": "FISH"}]},
         "component": [{"code": {"coding": [{"system": LOINC, "code": "81291-7", "display": "Variant ISCN"}]},
                        "valueCodeableConcept": {"coding": [{"system": "https://iscn.karger.com", "code": iscn}]}}]}
    if profile:
        r["meta"] = {"profile": [MC + "mcode-genomic-variant"]}
    return r


def ecog(oid, pref, v, date, profile=False):
    r = {"resourceType": "Observation", "id": oid, "status": "final",
         "code": {"coding": [{"system": LOINC, "code": "89247-1", "display": "ECOG Performance Status score"}]},
         "subject": subj(pref), "effectiveDateTime": date, "valueInteger": v}
    if profile:
        r["meta"] = {"profile": [MC + "mcode-ecog-performance-status"]}
    return r


def mm_condition(cid, pref, onset, system=SCT, code="109989006", display="Multiple myeloma (disorder)"):
    return {"resourceType": "Condition", "id": cid,
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
            "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
            "code": {"coding": [{"system": system, "code": code, "display": display}], "text": display},
            "subject": subj(pref), "onsetDateTime": onset}


def collection(entries, base, btype="collection", **extra):
    b = {"resourceType": "Bundle", "id": uid(base), "type": btype,
         "timestamp": "2026-11-24T18:02:11+01:00"}
    b.update(extra)
    b["entry"] = [{"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r} for r in entries]
    return b


def periods(pref, prefix, plan, maker=med_admin, **kw):
    """plan: [(drug, start, end, extra-kwargs...)] -> resources"""
    out = []
    for i, p in enumerate(plan):
        drug, s, e = p[:3]
        extra = p[3] if len(p) > 3 else {}
        k = dict(kw)
        k.update(extra)
        out.append(maker(f"{prefix}{i + 1}", pref, drug, s, e, **k))
    return out


# ---------------------------------------------------------------------------
# (a) an Italian hub's collection bundle: D-VTd x4, high-dose melphalan,
# ASCT (ICD-9-CM 41.04, as Italian SDO code it), D-VTd x2 consolidation,
# lenalidomide maintenance ongoing; AIFA pharmacy names; zoledronic acid.
def hub():
    pref = "Patient/BO-HUB-000731"
    P = {"resourceType": "Patient", "id": "BO-HUB-000731",
         "identifier": [{"system": "http://hl7.it/sid/codiceFiscale", "value": "VRDLGU58A12A944K"}],
         "name": [{"family": "Verdi", "given": ["Luigi"]}], "gender": "male", "birthDate": "1958-01-12",
         "address": [{"city": "Bologna", "line": ["Via dell'Esempio 4"]}]}
    names = {"daratumumab": "DARZALEX*SC 1FL 1800MG 15ML", "bortezomib": "VELCADE*1FL 3,5MG",
             "thalidomide": "TALIDOMIDE CELGENE*28CPS 50MG", "dexamethasone": "DESAMETASONE KRKA*10CPR 4MG",
             "melphalan": "ALKERAN*1FL 50MG", "lenalidomide": "REVLIMID*21CPS 10MG"}
    plan = []
    for drug in ("daratumumab", "bortezomib", "thalidomide", "dexamethasone"):
        plan += cycles(drug, "2023-03-01", 4)
    plan.append(("melphalan", "2023-08-08", "2023-08-08"))
    for drug in ("daratumumab", "bortezomib", "thalidomide", "dexamethasone"):
        plan += cycles(drug, "2023-10-02", 2)
    res = [P, mm_condition("BO-HUB-000731-dx", pref, "2023-02-10", ICD9, "203.00",
                           "MIELOMA MULTIPLO SENZA MENZIONE DI REMISSIONE")]
    for i, (drug, s, e) in enumerate(plan):
        res.append(med_admin(f"som-{i + 1}", pref, drug, s, e, text=names[drug]))
    res.append(med_stmt("som-len", pref, "lenalidomide", "2024-01-08", None, status="active",
                        text=names["lenalidomide"]))
    res.append(med_admin("som-zol", pref, "zometa", "2023-03-01", "2023-03-01", text="ZOMETA*IV 1FL 4MG/5ML"))
    res[-1]["medicationCodeableConcept"] = {"coding": [{"system": AIC, "code": "035001011", "display": "ZOMETA*IV 1FL 4MG/5ML"}], "text": "ZOMETA*IV 1FL 4MG/5ML"}
    res.append(asct("trap-1", pref, "2023-08-10", ICD9, "41.04",
                    "TRAPIANTO AUTOLOGO DI CELLULE STAMINALI EMATOPOIETICHE SENZA DEPURAZIONE"))
    res.append(cytogenetics("fish-1", pref, "t(4;14)(p16;q32)", True, "2023-02-20", profile=False))
    res.append(ecog("ecog-1", pref, 1, "2026-10-30"))
    bundle = collection(res, "https://hub.aosp-bo.example.it/fhir")
    exp = {"about": "Italian hub collection bundle: D-VTd induction, high-dose melphalan, ASCT, D-VTd consolidation and lenalidomide maintenance",
           "imwg": "Rajkumar et al., Blood 2015;126(7):921-922 (doi:10.1182/blood-2015-05-647636): induction + ASCT + consolidation + maintenance = one line",
           "lines": [{"drugs": ["bortezomib", "daratumumab", "dexamethasone", "melphalan", "thalidomide"],
                      "asct": "2023-08-10",
                      "maintenance": ["lenalidomide"]}],
           "facts": {"prior_lines": 1, "asct_prior": True, "on_treatment": True, "triple_class_exposed": True,
                     "lenalidomide_refractory": None, "anti_cd38_refractory": None, "t4_14": True},
           "options": {"teclistamab": "not_eligible", "ide-cel": "not_eligible"},
           "report": ["supportive drug \\(bisphosphonate"],
           "note": "refractoriness is unknown, not false: no progression while on therapy, and no best response recorded (IMWG refractory: progression on or within 60 days, or SD/PD as best response)",
           "absent_from_record": ["Verdi", "Luigi", "VRDLGU58A12A944K", "Bologna"]}
    write("it-hub-collection", bundle, exp)


# ---------------------------------------------------------------------------
# (b) an Epic-style searchset: paged (link next), an OperationOutcome entry,
# Medication resources included (search.mode include); VRd, bortezomib
# completed after 8 cycles, Rd until progression; then Dara-Kd with the
# daratumumab known only by its order (authoredOn).
def epic():
    base = "https://fhir.epic.example.org/api/FHIR/R4"
    pid = "eT7Hk2pQ4vW"
    pref = f"Patient/{pid}"
    entries = []

    def e(r, mode="match"):
        entries.append({"link": [{"relation": "self", "url": f"{base}/{r['resourceType']}/{r['id']}"}],
                        "fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r,
                        "search": {"mode": mode}})

    e({"resourceType": "Patient", "id": pid, "identifier": [{"system": "urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.14", "value": "E1234567"}],
       "name": [{"family": "Smith", "given": ["Carol"]}], "gender": "female", "birthDate": "1947-05-19"})
    e({"resourceType": "Condition", "id": "eDx7", "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category", "code": "problem-list-item"}]}],
       "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C90.00", "display": "Multiple myeloma not having achieved remission"}], "text": "Multiple myeloma"},
       "subject": subj(pref), "onsetDateTime": "2021-11-03"})
    meds = {"bortezomib": "eMedB", "lenalidomide": "eMedL", "dexamethasone": "eMedD", "carfilzomib": "eMedK", "daratumumab": "eMedDara"}
    for drug, mid in meds.items():
        e({"resourceType": "Medication", "id": mid, "code": coding(drug, drug.upper())}, mode="include")

    def rx(rid, drug, start, end, status="completed", authored=None, reason=None):
        r = {"resourceType": "MedicationRequest", "id": rid, "status": status, "intent": "order",
             "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/medicationrequest-category", "code": "outpatient"}]}],
             "medicationReference": {"reference": f"Medication/{meds[drug]}", "display": drug.upper()},
             "subject": subj(pref), "authoredOn": (authored or start) + "T09:12:00Z"}
        if end is not False:
            r["dosageInstruction"] = [{"timing": {"repeat": {"boundsPeriod": {"start": start, "end": end} if end else {"start": start}}}}]
        if reason:
            r["statusReason"] = {"coding": [{"system": SCT, "code": reason[0], "display": reason[1]}]}
        return r

    e(rx("eRx11", "bortezomib", "2021-12-01", "2022-07-26", reason=("182992009", "Treatment completed")))
    e(rx("eRx12", "lenalidomide", "2021-12-01", "2024-01-22"))
    e(rx("eRx13", "dexamethasone", "2021-12-01", "2024-01-22"))
    e(progression("eObs31", pref, "2024-01-22"))
    e(rx("eRx21", "carfilzomib", "2024-02-05", None, status="active"))
    e(rx("eRx22", "daratumumab", "2024-02-05", False, status="active"))
    e(rx("eRx23", "dexamethasone", "2024-02-05", None, status="active"))
    e(ecog("eObs40", pref, 1, "2026-11-02"))
    entries.append({"resource": {"resourceType": "OperationOutcome", "id": "eOO1",
                                 "issue": [{"severity": "warning", "code": "suppressed",
                                            "details": {"text": "Some results were not returned: the patient has restricted (sensitive) records"},
                                            "diagnostics": "4 resources withheld: sensitive"}]},
                    "search": {"mode": "outcome"}})
    bundle = {"resourceType": "Bundle", "id": "f7a1c0de-4c2b-4b7e-9e0b-2d6b1c9a8e51", "type": "searchset", "total": 19,
              "link": [{"relation": "self", "url": f"{base}/Patient/{pid}/$everything?_count=15"},
                       {"relation": "next", "url": f"{base}/Patient/{pid}/$everything?_count=15&page=2&sessionID=7-a91c"}],
              "entry": entries}
    exp = {"about": "Epic-style searchset page: VRd then Rd until progression, then Dara-Kd with daratumumab known only by its order date",
           "imwg": "Rajkumar 2015: bortezomib completed while Rd continues is the same line; the regimen after progression is a new line",
           "lines": [{"drugs": ["bortezomib", "dexamethasone", "lenalidomide"], "progression": "2024-01-22"},
                     {"drugs": ["carfilzomib", "daratumumab", "dexamethasone"]}],
           "facts": {"prior_lines": 2, "on_treatment": True, "anti_cd38_exposed": True,
                     "lenalidomide_refractory": True, "asct_prior": False},
           "note": "asct_prior reads false because the record format reads a line without asct as none; the import says the export has no Procedure at all",
           "options": {"teclistamab": "not_eligible"},
           "report": ["Bundle.link\\[1\\]: one page of a paged search", "OperationOutcome \\(warning\\): 4 resources withheld",
                      "daratumumab: only the order date", "no Procedure resource in the input"],
           "absent_from_record": ["Smith", "Carol", "E1234567"]}
    write("epic-searchset", bundle, exp)


# ---------------------------------------------------------------------------
# (c) an mCODE STU4-profiled bundle: VRd with bortezomib stopped for
# toxicity (Rd going on: the same line), HDM + ASCT, lenalidomide
# maintenance until progression, Isa-Pd; GenomicVariant FISH (del(17p)
# absent, t(4;14) present, t(11;14) present, 1q gain present); ECOG,
# Karnofsky; the Comorbidities profile.
def mcode():
    base = "https://mcode.example.org/fhir"
    pref = "Patient/mcode-pt-17"
    prof = MC + "mcode-cancer-related-medication-administration"
    res = [{"resourceType": "Patient", "id": "mcode-pt-17", "meta": {"profile": [MC + "mcode-cancer-patient"]},
            "gender": "female", "birthDate": "1961-09-30", "name": [{"family": "Anyperson", "given": ["Jane"]}]},
           dict(mm_condition("mcode-pt-17-dx", pref, "2020-04-14"), meta={"profile": [MC + "mcode-primary-cancer-condition"]})]
    plan = [("bortezomib", "2020-05-04", "2020-06-26", {"reason": ("407563006", "Treatment not tolerated")}),
            ("lenalidomide", "2020-05-04", "2020-09-18", {}), ("dexamethasone", "2020-05-04", "2020-09-18", {}),
            ("melphalan", "2020-11-01", "2020-11-01", {}),
            ("lenalidomide", "2021-01-15", "2023-05-10", {}),
            ("isatuximab", "2023-05-25", None, {"status": "in-progress"}),
            ("pomalidomide", "2023-05-25", None, {"status": "in-progress"}),
            ("dexamethasone", "2023-05-25", None, {"status": "in-progress"})]
    for i, (drug, s, e, kw) in enumerate(plan):
        res.append(med_admin(f"mcode-ma-{i + 1}", pref, drug, s, e, profile=prof, **kw))
    res.append(dict(asct("mcode-proc-1", pref, "2020-11-03"), meta={"profile": [MC + "mcode-cancer-related-surgical-procedure"]}))
    res.append(progression("mcode-cds-1", pref, "2023-05-10", profile=True))
    res.append(cytogenetics("mcode-gv-1", pref, "del(17p)", False, "2020-04-20"))
    res.append(cytogenetics("mcode-gv-2", pref, "t(4;14)", True, "2020-04-20"))
    res.append(cytogenetics("mcode-gv-3", pref, "t(11;14)(q13;q32)", True, "2020-04-20"))
    res.append(cytogenetics("mcode-gv-4", pref, "1q gain", True, "2020-04-20"))
    NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
    res.append({"resourceType": "Observation", "id": "mcode-riss-1", "meta": {"profile": [MC + "mcode-myeloma-riss-stage"]},
                "status": "final", "code": {"coding": [{"system": NCIT, "code": "C141392", "display": "Revised International Staging System Stage"}]},
                "subject": subj(pref), "effectiveDateTime": "2020-04-22",
                "valueCodeableConcept": {"coding": [{"system": NCIT, "code": "C141396", "display": "RISS Stage III Plasma Cell Myeloma"}]}})
    res.append(ecog("mcode-ecog-1", pref, 1, "2026-11-10", profile=True))
    res.append({"resourceType": "Observation", "id": "mcode-kps-1", "meta": {"profile": [MC + "mcode-karnofsky-performance-status"]},
                "status": "final", "code": {"coding": [{"system": LOINC, "code": "89243-0", "display": "Karnofsky Performance Status score"}]},
                "subject": subj(pref), "effectiveDateTime": "2026-11-10", "valueInteger": 80})
    res.append({"resourceType": "Observation", "id": "mcode-comorb-1", "meta": {"profile": [MC + "mcode-comorbidities"]},
                "status": "final", "code": {"coding": [{"system": SCT, "code": "398192003", "display": "Co-morbid conditions (finding)"}]},
                "subject": subj(pref), "effectiveDateTime": "2026-11-10",
                "dataAbsentReason": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason", "code": "not-permitted"}]},
                "extension": [{"url": MC + "mcode-related-condition", "valueCodeableConcept": {"coding": [{"system": SCT, "code": "44054006", "display": "Type 2 diabetes mellitus"}]}},
                              {"url": MC + "mcode-related-condition-absent", "valueCodeableConcept": {"coding": [{"system": SCT, "code": "84114007", "display": "Heart failure (disorder)"}]}}]})
    bundle = collection(res, base)
    exp = {"about": "mCODE STU4 bundle: VRd (bortezomib stopped for toxicity), HDM + ASCT, lenalidomide maintenance to progression, then Isa-Pd",
           "imwg": "Rajkumar 2015: a drug stopped for toxicity while the others go on is not a new line; ASCT and maintenance belong to the induction's line",
           "lines": [{"drugs": ["bortezomib", "dexamethasone", "lenalidomide", "melphalan"], "asct": "2020-11-03",
                      "maintenance": ["lenalidomide"], "progression": "2023-05-10"},
                     {"drugs": ["dexamethasone", "isatuximab", "pomalidomide"]}],
           "facts": {"prior_lines": 2, "asct_prior": True, "lenalidomide_refractory": True, "triple_class_exposed": True,
                     "del17p": False, "t4_14": True, "gain1q": True, "ecog": 1, "comorbidity_diabetes": True,
                     "iss": "III", "r_iss": "III"},
           "options": {"teclistamab": "not_eligible"},
           "report": ["t\\(11;14\\)\\(q13;q32\\) present: the patient record .* has no field for it", "Karnofsky performance status is not converted",
                      "R-ISS 3: diagnosis.iss 3 written"]}
    write("mcode-stu4", bundle, exp)


# ---------------------------------------------------------------------------
# (d) an Italian FSE document bundle (Composition first): VTd, HDM, ASCT
# (ICD-9-CM 41.04), no maintenance; progression; KRd ongoing.
def fse():
    base = "urn:uuid:"
    pid = uid("fse-patient")
    pref = "urn:uuid:" + pid
    comp_sections = []
    res = []
    P = {"resourceType": "Patient", "id": pid,
         "identifier": [{"system": "http://hl7.it/sid/codiceFiscale", "value": "BNCMRA49M41F205Z"}],
         "name": [{"family": "Bianchi", "given": ["Maria"]}], "gender": "female", "birthDate": "1949-08-01"}
    names = {"bortezomib": "VELCADE*1FL 3,5MG", "thalidomide": "TALIDOMIDE CELGENE*28CPS 50MG",
             "dexamethasone": "DESAMETASONE KRKA*10CPR 4MG", "melphalan": "ALKERAN*1FL 50MG",
             "carfilzomib": "KYPROLIS*1FL 60MG", "lenalidomide": "REVLIMID*21CPS 25MG"}
    plan = [("bortezomib", "2019-03-04", "2019-07-15"), ("thalidomide", "2019-03-04", "2019-07-15"),
            ("dexamethasone", "2019-03-04", "2019-07-15"), ("melphalan", "2019-09-18", "2019-09-18"),
            ("carfilzomib", "2021-06-21", None), ("lenalidomide", "2021-06-21", None), ("dexamethasone", "2021-06-21", None)]
    meds = []
    for i, (drug, s, e) in enumerate(plan):
        m = med_stmt(uid(f"fse-ms-{i}"), pref, drug, s, e, status="active" if e is None else "completed", text=names[drug])
        meds.append(m)
    cond = mm_condition(uid("fse-dx"), pref, "2019-02-11", ICD9, "203.02", "MIELOMA MULTIPLO, IN RECIDIVA")
    proc = asct(uid("fse-asct"), pref, "2019-09-20", ICD9, "41.04", "TRAPIANTO AUTOLOGO DI CELLULE STAMINALI EMATOPOIETICHE")
    prog = progression(uid("fse-prog"), pref, "2021-06-01")
    body = [cond] + meds + [proc, prog]
    comp = {"resourceType": "Composition", "id": uid("fse-comp"), "status": "final",
            "type": {"coding": [{"system": LOINC, "code": "60591-5", "display": "Patient summary Document"}], "text": "Profilo Sanitario Sintetico"},
            "subject": {"reference": pref}, "date": "2026-11-20T10:00:00+01:00",
            "author": [{"display": "Dott. Medico di Medicina Generale"}], "title": "Profilo Sanitario Sintetico",
            "section": [{"title": "Problemi", "code": {"coding": [{"system": LOINC, "code": "11450-4"}]}, "entry": [{"reference": "urn:uuid:" + cond["id"]}]},
                        {"title": "Terapie farmacologiche", "code": {"coding": [{"system": LOINC, "code": "10160-0"}]}, "entry": [{"reference": "urn:uuid:" + m["id"]} for m in meds]},
                        {"title": "Procedure", "code": {"coding": [{"system": LOINC, "code": "47519-4"}]}, "entry": [{"reference": "urn:uuid:" + proc["id"]}]}]}
    entries = [comp, P] + body
    # a document's resources are referenced by fullUrl; ids kept as in many FSE exports
    bundle = {"resourceType": "Bundle", "id": uid("fse-bundle"), "type": "document",
              "identifier": {"system": "urn:oid:2.16.840.1.113883.2.9.2.80.4.4.1", "value": "2.16.840.1.113883.2.9.2.80.4.4.1^^^^FSE-000918273"},
              "timestamp": "2026-11-20T10:00:00+01:00",
              "entry": [{"fullUrl": "urn:uuid:" + r["id"], "resource": r} for r in entries]}
    exp = {"about": "Italian FSE document bundle (Profilo Sanitario Sintetico, Composition first): VTd, HDM, ASCT, then KRd after progression",
           "imwg": "Rajkumar 2015: induction + ASCT = one line; the regimen after progression is the second",
           "lines": [{"drugs": ["bortezomib", "dexamethasone", "melphalan", "thalidomide"], "asct": "2019-09-20", "progression": "2021-06-01"},
                     {"drugs": ["carfilzomib", "dexamethasone", "lenalidomide"]}],
           "facts": {"prior_lines": 2, "asct_prior": True, "on_treatment": True, "pi_exposed": True, "imid_exposed": True,
                     "anti_cd38_exposed": False, "triple_class_exposed": False},
           "options": {"teclistamab": "not_eligible"},
           "report": ["Composition resources are not imported"],
           "absent_from_record": ["Bianchi", "BNCMRA49M41F205Z"]}
    write("it-fse-document", bundle, exp)


# ---------------------------------------------------------------------------
# (e) a transaction bundle (POST entries, urn:uuid, no ids): the patient at
# first relapse after D-VRd + ASCT + lenalidomide maintenance = 1 prior line.
def first_relapse():
    ids = {}

    def u(k):
        ids.setdefault(k, uid("tx-" + k))
        return "urn:uuid:" + ids[k]

    pref = u("patient")
    res = [("patient", {"resourceType": "Patient", "gender": "male", "birthDate": "1963-02-14",
                        "identifier": [{"system": "http://hl7.it/sid/codiceFiscale", "value": "RSSMRA63B14H501Z"}]}),
           ("dx", mm_condition(None, pref, "2022-09-12"))]
    plan = []
    for drug in ("daratumumab", "bortezomib", "lenalidomide", "dexamethasone"):
        plan += cycles(drug, "2022-10-03", 4)
    plan.append(("melphalan", "2023-03-13", "2023-03-13"))
    for drug in ("daratumumab", "bortezomib", "lenalidomide", "dexamethasone"):
        plan += cycles(drug, "2023-05-15", 2)
    plan.append(("lenalidomide", "2023-08-01", "2026-10-20"))
    for i, (drug, s, e) in enumerate(plan):
        res.append((f"ma{i}", med_admin(None, pref, drug, s, e)))
    res.append(("asct", asct(None, pref, "2023-03-15")))
    res.append(("prog", progression(None, pref, "2026-10-20")))
    res.append(("fish", cytogenetics(None, pref, "del(17p)", False, "2022-09-20", profile=False)))
    res.append(("ecog", ecog(None, pref, 0, "2026-11-05")))
    entries = []
    for k, r in res:
        r = dict(r)
        r.pop("id", None)
        if k != "patient":
            r["subject"] = {"reference": pref}
        entries.append({"fullUrl": u(k), "resource": r, "request": {"method": "POST", "url": r["resourceType"]}})
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": entries}
    exp = {"about": "Transaction bundle (POST, urn:uuid, no ids): first relapse after D-VRd, HDM, ASCT, D-VRd consolidation and lenalidomide maintenance",
           "imwg": "Rajkumar 2015: induction + ASCT + consolidation + maintenance = one line, so 1 prior line at first relapse",
           "lines": [{"drugs": ["bortezomib", "daratumumab", "dexamethasone", "lenalidomide", "melphalan"], "asct": "2023-03-15",
                      "maintenance": ["lenalidomide"], "progression": "2026-10-20"}],
           "facts": {"prior_lines": 1, "asct_prior": True, "setting": "first_relapse", "lenalidomide_refractory": True,
                     "triple_class_exposed": True, "anti_cd38_refractory": None, "pi_refractory": None,
                     "triple_class_refractory": None, "del17p": False},
           "note": "D-VRd consolidation ended in 2023, so the 2026 progression on lenalidomide maintenance is not within 60 days of daratumumab or bortezomib: their refractoriness rests on the best response, not recorded (unknown, never 'yes' as when consolidation read as maintenance); cilta-cel's EU label (1 prior line incl. IMiD and PI, lenalidomide-refractory) fits",
           "options": {"teclistamab": "not_eligible", "elranatamab": "not_eligible", "talquetamab": "not_eligible",
                       "ide-cel": "not_eligible", "cilta-cel": "eligible"},
           "report": ["the record id .* is derived from its fullUrl"],
           "absent_from_record": ["RSSMRA63B14H501Z"]}
    write("transaction-first-relapse", bundle, exp)


# ---------------------------------------------------------------------------
# own: a history bundle (_history of the patient's compartment): KRd
# ordered (v1 active, no end), then completed (v2 with its end and reason);
# an ECOG written in error and deleted; newest first.
def history():
    base = "https://fhir.example.org/r4"
    pref = "Patient/hist-5"

    def ent(r, method, version, url=None):
        rr = dict(r) if r is not None else None
        if r is not None:
            rr["meta"] = {"versionId": str(version), "lastUpdated": f"2026-0{version}-01T10:00:00Z"}
        e = {"request": {"method": method, "url": url or f"{r['resourceType']}/{r['id']}"},
             "response": {"status": "200" if method != "POST" else "201"}}
        if r is not None:
            e["fullUrl"] = f"{base}/{r['resourceType']}/{r['id']}"
            e["resource"] = rr
        return e

    P = {"resourceType": "Patient", "id": "hist-5", "gender": "male", "birthDate": "1955-03-03"}
    dx = mm_condition("hist-5-dx", pref, "2024-01-10")
    k2 = med_stmt("hist-ms-k", pref, "carfilzomib", "2024-02-01", "2025-01-15", status="completed")
    k1 = med_stmt("hist-ms-k", pref, "carfilzomib", "2024-02-01", None, status="active")
    r2 = med_stmt("hist-ms-r", pref, "lenalidomide", "2024-02-01", "2025-01-15", status="completed")
    r1 = med_stmt("hist-ms-r", pref, "lenalidomide", "2024-02-01", None, status="active")
    d2 = med_stmt("hist-ms-d", pref, "dexamethasone", "2024-02-01", "2025-01-15", status="completed")
    for m in (k2, r2, d2):
        m["statusReason"] = [{"coding": [{"system": SCT, "code": "182992009", "display": "Treatment completed"}]}]
    e1 = ecog("hist-ecog", pref, 4, "2024-02-01")
    entries = [ent(None, "DELETE", 2, "Observation/hist-ecog/_history/2"),
               ent(k2, "PUT", 2), ent(r2, "PUT", 2), ent(d2, "POST", 1),
               ent(e1, "POST", 1), ent(k1, "POST", 1), ent(r1, "POST", 1),
               ent(dx, "POST", 1), ent(P, "POST", 1)]
    bundle = {"resourceType": "Bundle", "id": "hist-bundle-5", "type": "history", "total": len(entries), "entry": entries}
    exp = {"about": "History bundle: KRd ordered (v1 active) then completed (v2 with end and reason); an ECOG deleted",
           "imwg": "FHIR R4 http.html#history: the latest version of each resource is the current one; one planned course is one line",
           "lines": [{"drugs": ["carfilzomib", "dexamethasone", "lenalidomide"]}],
           "facts": {"prior_lines": 1, "on_treatment": False, "ecog": None},
           "options": {},
           "report": ["an older version in this history bundle", "Observation/hist-ecog was deleted"]}
    write("history-bundle", bundle, exp)


# ---------------------------------------------------------------------------
# own: 4 lines, triple-class refractory; dexamethasone restarts within a
# month between regimens (the old grouping chained them into 2 lines).
def tcr():
    base = "https://hub.example.it/fhir"
    pref = "Patient/tcr-4"
    res = [{"resourceType": "Patient", "id": "tcr-4", "gender": "female", "birthDate": "1956-06-21"},
           mm_condition("tcr-4-dx", pref, "2018-04-02")]
    plan = [("bortezomib", "2018-05-02", "2018-09-20"), ("lenalidomide", "2018-05-02", "2018-09-20"),
            ("dexamethasone", "2018-05-02", "2018-10-05"),
            ("melphalan", "2018-11-12", "2018-11-12"), ("lenalidomide", "2019-02-01", "2021-03-15"),
            ("daratumumab", "2021-03-29", "2022-08-30"), ("pomalidomide", "2021-03-29", "2022-08-30"),
            ("dexamethasone", "2021-03-29", "2022-09-10"),
            ("carfilzomib", "2022-09-19", "2023-06-12"), ("cyclophosphamide", "2022-09-19", "2023-06-12"),
            ("dexamethasone", "2022-09-28", "2023-06-20"),
            ("selinexor", "2023-07-03", "2024-01-22"), ("dexamethasone", "2023-07-03", "2024-01-30")]
    for i, (drug, s, e) in enumerate(plan):
        res.append(med_admin(f"tcr-ma-{i + 1}", pref, drug, s, e))
    res.append(asct("tcr-asct", pref, "2018-11-14"))
    for i, p in enumerate(["2021-03-15", "2022-08-30", "2023-06-12", "2024-01-22"]):
        res.append(progression(f"tcr-prog-{i + 1}", pref, p))
    res.append(ecog("tcr-ecog", pref, 1, "2026-11-12"))
    bundle = collection(res, base)
    exp = {"about": "4 lines (VRd + ASCT + R maintenance; Dara-Pd; KCd; Sd), each ended by progression; dexamethasone restarts within days of each regimen's end",
           "imwg": "Rajkumar 2015: a new line at each progression; steroids do not bridge lines. IMWG refractory: progression on or within 60 days of the last dose",
           "lines": [{"drugs": ["bortezomib", "dexamethasone", "lenalidomide", "melphalan"], "asct": "2018-11-14", "maintenance": ["lenalidomide"], "progression": "2021-03-15"},
                     {"drugs": ["daratumumab", "dexamethasone", "pomalidomide"], "progression": "2022-08-30"},
                     {"drugs": ["carfilzomib", "cyclophosphamide", "dexamethasone"], "progression": "2023-06-12"},
                     {"drugs": ["dexamethasone", "selinexor"], "progression": "2024-01-22"}],
           "facts": {"prior_lines": 4, "triple_class_exposed": True, "triple_class_refractory": True,
                     "lenalidomide_refractory": True, "anti_cd38_refractory": True, "pi_refractory": True,
                     "setting": "second_relapse_or_later", "progression_on_last": True},
           "options": {"teclistamab": "eligible", "elranatamab": "eligible", "talquetamab": "eligible", "ide-cel": "eligible"},
           "report": []}
    write("tcr-4-lines", bundle, exp)


# ---------------------------------------------------------------------------
# own: CAR-T with bridging. Two lines, progression; leukapheresis (CPT
# 38225); bridging carfilzomib-dex; fludarabine-cyclophosphamide; cilta-cel.
def car_t():
    base = "https://hub.example.it/fhir"
    pref = "Patient/cart-9"
    res = [{"resourceType": "Patient", "id": "cart-9", "gender": "male", "birthDate": "1960-12-01"},
           mm_condition("cart-9-dx", pref, "2020-01-15")]
    plan = [("daratumumab", "2020-02-03", "2020-06-20"), ("bortezomib", "2020-02-03", "2020-06-20"),
            ("lenalidomide", "2020-02-03", "2020-06-20"), ("dexamethasone", "2020-02-03", "2020-06-20"),
            ("melphalan", "2020-08-10", "2020-08-10"), ("lenalidomide", "2020-11-02", "2023-04-03"),
            ("pomalidomide", "2023-04-17", "2024-05-06"), ("bortezomib", "2023-04-17", "2024-05-06"),
            ("dexamethasone", "2023-04-17", "2024-05-06"),
            ("carfilzomib", "2024-06-10", "2024-07-08"), ("dexamethasone", "2024-06-10", "2024-07-08"),
            ("cyclophosphamide", "2024-07-22", "2024-07-24"), ("ciltacabtagene autoleucel", "2024-07-27", "2024-07-27")]
    for i, (drug, s, e) in enumerate(plan):
        res.append(med_admin(f"cart-ma-{i + 1}", pref, drug, s, e))
    res.append({"resourceType": "MedicationAdministration", "id": "cart-flu", "status": "completed",
                "medicationCodeableConcept": {"coding": [{"system": ATC, "code": "L01BB05", "display": "fludarabine"}], "text": "FLUDARABINA"},
                "subject": subj(pref), "effectivePeriod": {"start": "2024-07-22", "end": "2024-07-24"}})
    res.append(asct("cart-asct", pref, "2020-08-12"))
    res.append({"resourceType": "Procedure", "id": "cart-aph", "status": "completed",
                "code": {"coding": [{"system": CPT, "code": "38225", "display": "CAR-T HARVESTING OF BLOOD-DERIVED T LYMPHOCYTES"}]},
                "subject": subj(pref), "performedDateTime": "2024-05-28"})
    for i, p in enumerate(["2023-04-03", "2024-05-06"]):
        res.append(progression(f"cart-prog-{i + 1}", pref, p))
    bundle = collection(res, base)
    exp = {"about": "D-VRd + ASCT + R maintenance; PVd; leukapheresis, bridging Kd, Flu/Cy, cilta-cel",
           "imwg": "Rajkumar 2015 and the IMWG CAR-T consensus (Lin Y et al., Lancet Oncol 2024;25(8):e374-e387): bridging therapy between apheresis and infusion belongs to the CAR-T line, it is not a line",
           "lines": [{"drugs": ["bortezomib", "daratumumab", "dexamethasone", "lenalidomide", "melphalan"], "asct": "2020-08-12", "maintenance": ["lenalidomide"], "progression": "2023-04-03"},
                     {"drugs": ["bortezomib", "dexamethasone", "pomalidomide"], "progression": "2024-05-06"},
                     {"drugs": ["carfilzomib", "ciltacabtagene autoleucel", "cyclophosphamide", "dexamethasone"]}],
           "facts": {"prior_lines": 3, "car_t_exposed": True, "asct_prior": True, "carfilzomib_exposed": True, "setting": None},
           "note": "the CAR-T line ended (one infusion) with neither a progression nor a stop reason recorded: whether it progressed is unknown, so the setting is",
           "options": {},
           "report": []}
    write("car-t-bridging", bundle, exp)


# ---------------------------------------------------------------------------
# own: what the records cannot decide. Rd, and daratumumab added five months
# in with no progression or reason recorded: planned or for lack of
# response? provisional, so the count of lines is unknown.
def provisional():
    base = "https://hub.example.it/fhir"
    pref = "Patient/prov-3"
    res = [{"resourceType": "Patient", "id": "prov-3", "gender": "female", "birthDate": "1950-02-02"},
           mm_condition("prov-3-dx", pref, "2022-01-10"),
           med_admin("prov-ma-1", pref, "lenalidomide", "2022-02-01", "2023-09-01"),
           med_admin("prov-ma-2", pref, "dexamethasone", "2022-02-01", "2023-09-01"),
           med_admin("prov-ma-3", pref, "daratumumab", "2022-07-04", "2023-09-01"),
           progression("prov-prog", pref, "2023-09-01"),
           med_admin("prov-ma-4", pref, "pomalidomide", "2023-09-20", "2024-08-01"),
           med_admin("prov-ma-5", pref, "carfilzomib", "2023-09-20", "2024-08-01"),
           med_admin("prov-ma-6", pref, "dexamethasone", "2023-09-20", "2024-08-01"),
           progression("prov-prog-2", pref, "2024-08-01")]
    bundle = collection(res, base)
    exp = {"about": "Rd, daratumumab added 5 months in with no reason recorded; then KPd after progression",
           "imwg": "Rajkumar 2015: an unplanned addition for lack of response is a new line, a planned one is not: the records do not say which, so the count is unknown",
           "lines": [{"drugs": ["daratumumab", "dexamethasone", "lenalidomide"], "progression": "2023-09-01", "provisional": True},
                     {"drugs": ["carfilzomib", "dexamethasone", "pomalidomide"], "progression": "2024-08-01"}],
           "facts": {"prior_lines": None, "setting": None, "triple_class_exposed": True},
           "options": {"teclistamab": "unknown"},
           "report": ["provisional: daratumumab added on 2022-07-04"]}
    write("provisional-addition", bundle, exp)


hub(); epic(); mcode(); fse(); first_relapse(); history(); tcr(); car_t(); provisional()
