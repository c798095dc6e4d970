#!/usr/bin/env bash
# output_equality.sh: proves that a refactor leaves every output of every
# command unchanged, by running two mmpath binaries over the same inputs
# (demo patients, tests/data, records made by shared/bench/gen_registry.py
# including 100k for `screen`) and diffing what they print.
#
#   bench/output_equality.sh capture MMPATH_BINARY OUTDIR
#       runs every command; one file per (command, input, options) in OUTDIR:
#       NAME.out (stdout), NAME.err (stderr), NAME.rc (exit code); NAME.file
#       for what --out wrote; big screen outputs as NAME.out.sha256 (hash,
#       lines, bytes: what is compared) + NAME.out.gz (for the diff excerpt).
#   bench/output_equality.sh compare DIR_BEFORE DIR_AFTER
#       "same" / "DIFFERS" / "MISSING" per file, the first lines of a unified
#       diff of each differing file, the counts; exit 1 if anything differs.
#       OE_ALLOW=REGEX (bash =~ on file names): differences expected, e.g. a
#       deliberate translation change, reported but not failing.
#   bench/output_equality.sh REV [MMPATH_AFTER]
#       builds git REV (Release) in a temporary `git worktree`, captures it and
#       MMPATH_AFTER (default: build/mmpath of this checkout), compares.
#
# Each binary reads the kb/ (and demo/patients/) of the source tree it was built
# from: that is part of what is compared. Inputs always come from this checkout,
# copied into a scratch directory and named by relative paths, so that file
# names in messages are the same for both binaries. Environment: OE_N (records
# for screen, default 100000), OE_DATA (cache of generated registries, default
# bench/data, git-ignored), SHARED (default /work/shared/bench).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${SHARED:-/work/shared/bench}
N=${OE_N:-100000}
DATA=${OE_DATA:-$ROOT/bench/data}
SEED=7

die() { echo "output_equality.sh: $*" >&2; exit 2; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 2; }

# Escapes a literal string for a sed regex/replacement with '|' as delimiter.
sed_lit() { printf '%s' "$1" | sed -e 's/[]\\|$*.^[]/\\&/g'; }

# ---------------------------------------------------------------- capture

# run NAME ARGS...: mmpath ARGS in $WORK, stdin from $STDIN (default /dev/null).
run() {
  local name=$1 rc=0
  shift
  [ ! -e "$OUT/$name.rc" ] || die "duplicate output name $name (a bug in this script)"
  timeout "$TMO" env -i "${ENVV[@]}" "$BIN" "$@" <"${STDIN:-/dev/null}" \
    >"$OUT/$name.out" 2>"$OUT/$name.err" || rc=$?
  echo "$rc" >"$OUT/$name.rc"
  sed -i -e "$SEDX" "$OUT/$name.out" "$OUT/$name.err"
  printf '%s\t%s\n' "$name" "$*" >>"$OUT/_index.tsv"
}

# run_file NAME FILE ARGS...: run, then keep what the command wrote to FILE
# (--out) as NAME.file; a FILE that was not written is recorded as such.
run_file() {
  local name=$1 file=$2
  shift 2
  rm -f "$file"
  run "$name" "$@"
  if [ -f "$file" ]; then sed -e "$SEDX" "$file" >"$OUT/$name.file"; rm -f "$file"
  else echo "(no file written)" >"$OUT/$name.file"; fi
}

# run_big NAME ARGS...: like run, but stdout (hundreds of MB for 100k records)
# is kept as hash + line count (compared) and gzip (for compare's excerpt).
run_big() {
  local name=$1 rc=0 raw="$WORK/big.raw" norm
  shift
  [ ! -e "$OUT/$name.rc" ] || die "duplicate output name $name (a bug in this script)"
  timeout "$TMO_BIG" env -i "${ENVV[@]}" "$BIN" "$@" <"${STDIN:-/dev/null}" \
    >"$raw" 2>"$OUT/$name.err" || rc=$?
  echo "$rc" >"$OUT/$name.rc"
  sed -i -e "$SEDX" "$OUT/$name.err"
  norm=$raw
  # sed over 200 MB only when there is something to normalize.
  if grep -qF -e "$SRC" -e "$WORK" -e "$TODAY" "$raw"; then
    sed -e "$SEDX" "$raw" >"$WORK/big.norm"; norm="$WORK/big.norm"
  fi
  {
    echo "sha256 $(sha256sum <"$norm" | cut -d' ' -f1)"
    echo "lines $(wc -l <"$norm")"
    echo "bytes $(wc -c <"$norm")"
  } >"$OUT/$name.out.sha256"
  gzip -1 -n -c "$norm" >"$OUT/$name.out.gz"
  rm -f "$raw" "$WORK/big.norm"
  printf '%s\t%s\n' "$name" "$*" >>"$OUT/_index.tsv"
}

# The demo patients and tests/data records, every format x language x jurisdiction.
EV_ALL="text_it_eu text_it_us text_en_eu text_en_us json_it_eu json_it_us json_en_eu json_en_us html_it_eu html_it_us html_en_eu html_en_us"
# Records cut from generated registries and the edge cases: each format,
# language and jurisdiction at least once.
EV_SOME="text_it_eu text_en_us json_en_eu json_it_us html_en_eu html_it_us"

# evaluate_facts NAME FILE COMBOS FACTS_COMBOS: evaluate and facts on one record.
evaluate_facts() {
  local name=$1 file=$2 c f l j
  for c in $3; do
    IFS=_ read -r f l j <<<"$c"
    run "evaluate__${name}__$c" evaluate "$file" --format "$f" --lang "$l" --jurisdiction "$j"
  done
  for c in $4; do
    IFS=_ read -r f l <<<"$c"
    run "facts__${name}__$c" facts "$file" --format "$f" --lang "$l"
  done
}

# registry_file N SEED BAD_RATE: the generated registry, made once and cached
# (gen_registry.py is deterministic: same arguments, same bytes).
registry_file() {
  local f="$DATA/registry-n$1-seed$2-bad$3.jsonl"
  if [ ! -s "$f" ]; then
    mkdir -p "$DATA"
    echo "generating $f" >&2
    python3 "$SHARED/gen_registry.py" --n "$1" --seed "$2" --bad-rate "$3" --out "$f.tmp.$$"
    mv "$f.tmp.$$" "$f"
  fi
  printf '%s\n' "$f"
}

capture() {
  [ $# -eq 2 ] || usage
  BIN=$(realpath "$1")
  { [ -x "$BIN" ] && [ -f "$BIN" ]; } || die "not an executable: $1"
  [ -f "$SHARED/gen_registry.py" ] || die "no $SHARED/gen_registry.py (set SHARED)"
  mkdir -p "$2"
  OUT=$(cd "$2" && pwd)
  # Never wipe a directory that is not an earlier capture.
  if [ -n "$(ls -A "$OUT")" ]; then
    [ -d "$OUT/_meta" ] || die "$OUT is not empty and not a capture"
    find "$OUT" -mindepth 1 -delete
  fi
  mkdir "$OUT/_meta"
  local t0=$SECONDS
  # The source tree compiled into the binary (MMPATH_SOURCE_DIR: its kb/ and
  # demo/patients/), which messages print: normalized to <SRC>.
  SRC=$(grep -aom1 '/[[:print:]]*/kb/manifest\.yaml' "$BIN" | sed 's|/kb/manifest\.yaml$||' || true)
  [ -n "$SRC" ] || SRC=$(cd "$(dirname "$BIN")/.." && pwd)
  TODAY=$(date -u +%F)
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/oe-work.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
  # "today" is what --date, as_of and --as-of default to: <TODAY>, so that
  # captures made on different days compare.
  SEDX="s|$(sed_lit "$WORK")|<WORK>|g; s|$(sed_lit "$SRC")|<SRC>|g; s|$(sed_lit "$TODAY")|<TODAY>|g"
  # A fixed environment: USER is the default referral actor (cli:$USER);
  # MMPATH_KB would override the binary's own kb.
  ENVV=(PATH=/usr/local/bin:/usr/bin:/bin HOME="$WORK" USER=output-equality LC_ALL=C TZ=UTC)
  TMO=60
  TMO_BIG=600

  # Inputs, copied so that every path given to mmpath is relative to $WORK.
  mkdir -p "$WORK/demo" "$WORK/tests" "$WORK/bench" "$WORK/shared" "$WORK/lines" "$WORK/out"
  cp -r "$ROOT/demo/patients" "$WORK/demo/"
  cp -r "$ROOT/tests/data" "$WORK/tests/"
  cp "$ROOT/bench/reference-task.yaml" "$ROOT/bench/len-refractory-imwg.yaml" "$WORK/bench/"
  cp "$SHARED/edge_cases.jsonl" "$WORK/shared/"
  local big bad
  big=$(registry_file "$N" "$SEED" 0.001)
  bad=$(registry_file 40 "$SEED" 0.5)
  ln -s "$big" "$WORK/registry.jsonl"
  cp "$bad" "$WORK/bad40.jsonl"
  head -n 2000 "$big" >"$WORK/reg2k.jsonl"
  printf '%s\n' '{"id":"X","as_of":"2024-01-01","lines":[{"regimen":"VRd","start":"2024-02-01"}]}' >"$WORK/stdin-start-after-asof.json"
  printf '%s\n' '{"id":"NOASOF","lines":[{"regimen":"VRd","start":"2024-02-01","end":"2024-06-01","progression":"2024-09-01"}]}' >"$WORK/stdin-no-asof.json"
  # One record a file: every 4000th of the registry, all of bad40 (half of
  # them malformed in each of the generator's ways), the edge cases.
  awk -v d="$WORK/lines" 'NR % 4000 == 1 { f = sprintf("%s/reg-L%06d.json", d, NR); print > f; close(f) }' "$big"
  awk -v d="$WORK/lines" '{ f = sprintf("%s/bad40-L%02d.json", d, NR); print > f; close(f) }' "$WORK/bad40.jsonl"
  awk -v d="$WORK/lines" '{ f = sprintf("%s/edge-L%02d.json", d, NR); print > f; close(f) }' "$WORK/shared/edge_cases.jsonl"
  # Referral ids from the input files themselves, not from the binary.
  python3 -c 'import json, sys
for p in sys.argv[1:]:
    d = json.load(open(p))
    for r in (d if isinstance(d, list) else [d]): print(r["id"])' "$WORK"/tests/data/referral/deck_*.json >"$WORK/ids.txt"
  bash "$ROOT/tests/data/referral/gen_bulk.sh" 1000 B >"$WORK/bulk1000.json"
  # What the inputs were, compared too: a changed input explains every diff.
  (cd "$WORK" && find -L . -path ./out -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum) >"$OUT/_inputs.sha256"
  cd "$WORK"

  # --- help and usage errors
  run help__none
  run help__help help
  run help__dash-help --help
  run help__unknown-command nope
  local c
  for c in evaluate facts kb trials screen demo referral funnel score serve token fhir; do
    run "help__${c}" "$c" --help
  done
  run usage__kb__no-subcommand kb
  run usage__referral__no-subcommand referral
  run usage__referral__bogus referral bogus
  run usage__fhir__no-subcommand fhir
  run usage__fhir__export fhir export tests/data/fhir/ndmm.json
  run usage__token__no-subcommand token

  # --- evaluate and facts
  local p n
  for p in demo/patients/*.json tests/data/evaluate/*.json; do
    n=$(basename "$p" .json)
    evaluate_facts "$n" "$p" "$EV_ALL" "text_it text_en json_it json_en"
    run "facts__${n}__json-flag" facts "$p" --json
  done
  for p in stdin-start-after-asof stdin-no-asof; do
    STDIN=$p.json evaluate_facts "$p" - "$EV_ALL" "text_it text_en json_it json_en"
  done
  run evaluate__two_lines_tce__defaults evaluate tests/data/evaluate/two_lines_tce.json
  run facts__two_lines_tce__defaults facts tests/data/evaluate/two_lines_tce.json
  STDIN=tests/data/evaluate/malformed.json run evaluate__malformed-stdin__defaults evaluate -
  run evaluate__missing-file__defaults evaluate no-such-record.json
  run evaluate__two_lines_tce__format-xml evaluate tests/data/evaluate/two_lines_tce.json --format xml
  run evaluate__two_lines_tce__lang-fr evaluate tests/data/evaluate/two_lines_tce.json --lang fr
  run evaluate__two_lines_tce__jurisdiction-jp evaluate tests/data/evaluate/two_lines_tce.json --jurisdiction jp
  run evaluate__two_lines_tce__kb-missing evaluate tests/data/evaluate/two_lines_tce.json --kb no-such-kb
  run facts__missing-file__defaults facts no-such-record.json
  run facts__two_lines_tce__format-html facts tests/data/evaluate/two_lines_tce.json --format html
  for p in lines/*.json; do
    evaluate_facts "$(basename "$p" .json)" "$p" "$EV_SOME" "text_it json_en"
  done

  # --- demo (its own patients, and this checkout's)
  local f l
  for l in it en; do
    for f in text json html; do
      run "demo__default__${f}_${l}" demo --format "$f" --lang "$l"
      run "demo__patients-dir__${f}_${l}" demo --format "$f" --lang "$l" --patients demo/patients
    done
  done
  run demo__default__defaults demo
  run demo__patients-missing__defaults demo --patients no-such-dir

  # --- knowledge base, trials
  run kb__check kb check
  run kb__check__kb-missing kb check --kb no-such-kb
  run kb__list kb list
  for c in summary drugs regimens options trials bogus; do run "kb__list__$c" kb list "$c"; done
  for f in text json; do
    for l in it en; do run "trials__${f}_${l}" trials --format "$f" --lang "$l"; done
  done
  run trials__defaults trials

  # --- scores: every score on every input (the mismatched ones exercise the errors)
  run score__list score --list
  for p in tests/data/scores/*.json; do
    n=$(basename "$p" .json)
    for c in iss r_iss r2_iss frailty response crs ice icans; do
      for f in json text; do run "score__${c}__${n}__$f" score "$c" "$p" --format "$f"; done
    done
  done
  STDIN=tests/data/scores/iss_iii.json run score__iss__stdin__json score iss -
  run score__iss__iss_iii__defaults score iss tests/data/scores/iss_iii.json
  run score__unknown-score score nope tests/data/scores/iss_iii.json
  run score__iss__no-input score iss
  run score__iss__format-xml score iss tests/data/scores/iss_iii.json --format xml

  # --- FHIR import
  for p in tests/data/fhir/*.json; do
    n=$(basename "$p" .json)
    run "fhir__import__${n}__asof-default" fhir import "$p"
    run "fhir__import__${n}__asof-2026-11-25" fhir import "$p" --as-of 2026-11-25
    run "fhir__import__${n}__asof-2024-01-01" fhir import "$p" --as-of 2024-01-01
  done
  STDIN=tests/data/fhir/rrmm.json run fhir__import__rrmm-stdin__asof-2026-11-25 fhir import - --as-of 2026-11-25
  run fhir__import__rrmm__asof-bad fhir import tests/data/fhir/rrmm.json --as-of 2026-02-30

  # --- referral registry (the databases live in $WORK; dates are given, or
  # default to today and are normalized)
  local db=deck.db
  run referral__import__deck_trials_2018_2021 referral import tests/data/referral/deck_trials_2018_2021.json --db $db
  run referral__import__deck_idecel_6months referral import tests/data/referral/deck_idecel_6months.json --db $db
  run referral__import__deck_idecel_6months-again referral import tests/data/referral/deck_idecel_6months.json --db $db
  run referral__import__not-a-referral referral import tests/data/fhir/rrmm.json --db $db
  printf '{"schema": "mmpath/referral@1", "id": "X"' >trunc.json
  STDIN=trunc.json run referral__import__truncated-stdin referral import - --db $db
  run referral__check referral check --db $db
  local filt fn
  for filt in "all|" "to-BO-SER|--to BO-SER" "from-FE-ONC|--from FE-ONC" "patient-PI-0016|--patient PI-0016" \
    "since-2023-05-01-until-2023-06-30|--since 2023-05-01 --until 2023-06-30" "state-follow_up|--state follow_up" \
    "state-excluded|--state excluded" "to-BO-SER-from-BO-SER-since-2019|--to BO-SER --from BO-SER --since 2019-01-01"; do
    fn=${filt%%|*}
    # shellcheck disable=SC2086 # the filter is a list of options
    for f in text json count; do run "referral__list__${fn}__$f" referral list ${filt#*|} --format "$f" --db $db; done
    # shellcheck disable=SC2086
    run "referral__export__${fn}" referral export ${filt#*|} --db $db
  done
  run referral__list__state-bogus referral list --state bogus --db $db
  local id
  while read -r id; do
    run "referral__show__${id}__text" referral show "$id" --db $db
    run "referral__show__${id}__json" referral show "$id" --format json --db $db
  done <ids.txt
  run referral__show__NOPE__text referral show NOPE --db $db
  run_file referral__export__out out/export.json referral export --out out/export.json --db $db
  # Export, import into a new registry, export again: the same.
  cp "$OUT/referral__export__all.out" roundtrip.json
  run referral__roundtrip__import referral import roundtrip.json --db roundtrip.db
  run referral__roundtrip__export referral export --db roundtrip.db
  run referral__list__no-such-db referral list --db no-such-dir/x.db

  # New referrals and moves, allowed and refused, on a registry of their own.
  db=moves.db
  run referral__import__moves-base referral import tests/data/referral/deck_idecel_6months.json --db $db
  run referral__new__N-1 referral new --id N-1 --patient PN-1 --from FE-ONC --to BO-SER --target ide-cel --date 2024-01-10 --note "first visit" --db $db
  run referral__new__N-2-date-today referral new --id N-2 --patient PN-2 --from MO-EMA --to BO-SER --target cilta-cel --db $db
  run referral__new__N-1-again referral new --id N-1 --patient PN-1 --from FE-ONC --to BO-SER --target ide-cel --date 2024-01-10 --db $db
  run referral__new__bad-target referral new --id N-3 --patient PN-3 --from FE-ONC --to BO-SER --target x --date 2024-01-10 --db $db
  run referral__new__missing-patient referral new --id N-4 --from FE-ONC --to BO-SER --target ide-cel --date 2024-01-10 --db $db
  run referral__move__N-1-waitlisted referral move N-1 waitlisted --date 2024-01-12 --db $db
  run referral__move__N-1-apheresis-refused referral move N-1 apheresis --date 2024-01-13 --db $db
  run referral__move__N-1-earlier-refused referral move N-1 screening --date 2024-01-01 --db $db
  run referral__move__N-1-screening referral move N-1 screening --date 2024-01-20 --db $db
  run referral__move__N-1-not_eligible-no-reason referral move N-1 not_eligible --date 2024-01-25 --db $db
  run referral__move__N-1-not_eligible referral move N-1 not_eligible --date 2024-01-25 --reason comorbidities --note "ECOG 3" --db $db
  run referral__move__N-2-waitlisted-today referral move N-2 waitlisted --db $db
  run referral__move__NOPE referral move NOPE waitlisted --date 2024-01-25 --db $db
  run referral__move__N-1-bad-state referral move N-1 bogus --date 2024-01-26 --db $db
  for id in N-1 N-2; do
    run "referral__show__moves-${id}__text" referral show "$id" --db $db
    run "referral__show__moves-${id}__json" referral show "$id" --format json --db $db
  done
  run referral__list__moves__text referral list --db $db
  run referral__export__moves referral export --db $db
  run referral__check__moves referral check --db $db
  run funnel__moves__json_en funnel --format json --lang en --db $db

  # Generated referrals (tests/data/referral/gen_bulk.sh: ten history shapes).
  db=bulk.db
  run referral__import__bulk1000 referral import bulk1000.json --db $db
  run referral__list__bulk1000__count referral list --format count --db $db
  run referral__list__bulk1000__text referral list --db $db
  run referral__export__bulk1000 referral export --db $db
  run referral__check__bulk1000 referral check --db $db
  for f in text json svg html; do
    for l in it en; do run "funnel__bulk1000__${f}_${l}" funnel --format "$f" --lang "$l" --db $db; done
  done

  # --- funnel on the deck registry: the deck's two slides, other windows
  db=deck.db
  for filt in "all|" "slide1|--to-center BO-SER --since 2018-07-01 --until 2021-10-31" \
    "slide2|--to-center BO-SER --since 2023-03-01 --until 2023-08-31" \
    "slide2-from-BO-SER|--to-center BO-SER --from-center BO-SER --since 2023-03-01 --until 2023-08-31" \
    "until-2023-05-15|--until 2023-05-15" "empty-2030|--since 2030-01-01"; do
    fn=${filt%%|*}
    for f in text json svg html; do
      for l in it en; do
        # shellcheck disable=SC2086
        run "funnel__${fn}__${f}_${l}" funnel ${filt#*|} --format "$f" --lang "$l" --db $db
      done
    done
  done
  run funnel__all__defaults funnel --db $db
  for f in svg html; do
    run_file "funnel__slide2-out__${f}_en" "out/funnel.$f" funnel --to-center BO-SER --since 2023-03-01 --until 2023-08-31 --format "$f" --lang en --out "out/funnel.$f" --db $db
  done
  run funnel__format-pdf funnel --format pdf --db $db
  run funnel__lang-fr funnel --lang fr --db $db
  run funnel__bad-date funnel --since 2023-13-01 --db $db
  run funnel__no-such-db funnel --db no-such-dir/x.db

  # --- screen: small inputs in every mode, then the generated registry
  local s mode
  for s in shared/edge_cases.jsonl bad40.jsonl reg2k.jsonl; do
    n=$(basename "$s" .jsonl)
    for mode in "jsonl_t1|--threads 1" "jsonl_t2|--threads 2" "csv_t2|--format csv --threads 2" \
      "jsonl_us_t2|--jurisdiction us --threads 2" "csv_us_t2|--format csv --jurisdiction us --threads 2" \
      "only-kb_t2|--only ide-cel,teclistamab,NCT05083169,Dara-Kd --threads 2" \
      "ref-task_jsonl_t2|--criteria bench/reference-task.yaml --threads 2" \
      "ref-task_csv_t2|--criteria bench/reference-task.yaml --format csv --threads 2" \
      "len-imwg_t2|--criteria bench/len-refractory-imwg.yaml --threads 2" \
      "criteria_t2|--criteria tests/data/screen/criteria.yaml --threads 2" \
      "criteria-only-both_csv_t2|--criteria tests/data/screen/criteria.yaml --only both --format csv --threads 2"; do
      # shellcheck disable=SC2086
      run "screen__${n}__${mode%%|*}" screen ${mode#*|} "$s"
    done
    STDIN=$s run "screen__${n}__stdin_batch4096_t2" screen --threads 2 --batch 4096 -
  done
  run screen__reg2k__criteria-bad screen --criteria tests/data/screen/criteria-bad.yaml reg2k.jsonl
  run screen__reg2k__only-nope screen --criteria tests/data/screen/criteria.yaml --only nope reg2k.jsonl
  run screen__reg2k__format-xml screen --format xml reg2k.jsonl
  run screen__missing-file screen --threads 2 no-such.jsonl
  n="registry-n$N-seed$SEED"
  run_big "screen__${n}__jsonl_t2" screen --threads 2 registry.jsonl
  run_big "screen__${n}__csv_t2" screen --format csv --threads 2 registry.jsonl
  run_big "screen__${n}__jsonl_us_t2" screen --jurisdiction us --threads 2 registry.jsonl
  run_big "screen__${n}__ref-task_t2" screen --criteria bench/reference-task.yaml --threads 2 registry.jsonl
  run_big "screen__${n}__len-imwg_t2" screen --criteria bench/len-refractory-imwg.yaml --threads 2 registry.jsonl

  cd "$ROOT"
  {
    echo "binary $BIN"
    echo "source_dir $SRC"
    echo "today $TODAY"
    echo "date $(date -u +%FT%TZ)"
    echo "seconds $((SECONDS - t0))"
    echo "registry $big"
  } >"$OUT/_meta/info"
  echo "captured $(find "$OUT" -type f ! -path "$OUT/_meta/*" | wc -l) files in $OUT ($((SECONDS - t0)) s)"
}

# ---------------------------------------------------------------- compare

# excerpt A B: the first lines of a unified diff; for a big output (.sha256
# beside a .gz), of the decompressed outputs around the first difference.
excerpt() {
  local a=$1 b=$2 line from
  if [[ $a == *.out.sha256 ]] && [ -f "${a%.sha256}.gz" ] && [ -f "${b%.sha256}.gz" ]; then
    line=$(cmp <(gzip -dc "${a%.sha256}.gz") <(gzip -dc "${b%.sha256}.gz") 2>&1 |
      sed -n 's/.*line \([0-9][0-9]*\).*/\1/p' | head -n 1 || true)
    line=${line:-1}
    from=$((line > 3 ? line - 3 : 1))
    diff "$a" "$b" | sed 's/^/    /' || true
    echo "    first difference at line $line of the output (${a##*/} -> .gz; diff from line $from):"
    diff -u --label before --label after \
      <(gzip -dc "${a%.sha256}.gz" | tail -n +"$from" | head -n 400) \
      <(gzip -dc "${b%.sha256}.gz" | tail -n +"$from" | head -n 400) | head -n 20 | sed 's/^/    /' || true
  else
    diff -u --label "before/${a##*/}" --label "after/${b##*/}" "$a" "$b" | head -n 20 | sed 's/^/    /' || true
  fi
}

compare() {
  [ $# -eq 2 ] || usage
  local A=$1 B=$2 f same=0 differ=0 allowed=0 missing=0
  { [ -d "$A" ] && [ -d "$B" ]; } || die "not directories: $A $B"
  # The gzip files only serve the excerpts; _meta holds paths and times.
  while IFS= read -r f; do
    if [ ! -f "$A/$f" ]; then echo "MISSING  $f (only in after)"; missing=$((missing + 1))
    elif [ ! -f "$B/$f" ]; then echo "MISSING  $f (only in before)"; missing=$((missing + 1))
    elif cmp -s "$A/$f" "$B/$f"; then echo "same     $f"; same=$((same + 1))
    elif [ -n "${OE_ALLOW:-}" ] && [[ $f =~ $OE_ALLOW ]]; then
      echo "differs  $f (allowed by OE_ALLOW)"; allowed=$((allowed + 1)); excerpt "$A/$f" "$B/$f"
    else echo "DIFFERS  $f"; differ=$((differ + 1)); excerpt "$A/$f" "$B/$f"
    fi
  done < <({ (cd "$A" && find . -type f ! -path './_meta/*' ! -name '*.gz')
             (cd "$B" && find . -type f ! -path './_meta/*' ! -name '*.gz'); } | sed 's|^\./||' | LC_ALL=C sort -u)
  echo "summary: $same same, $differ differ, $allowed differ as allowed, $missing missing (before: $A, after: $B)"
  [ $((differ + missing)) -eq 0 ]
}

# ---------------------------------------------------------------- REV

rev_mode() {
  local rev=$1 after=${2:-$ROOT/build/mmpath} tmp
  [ -x "$after" ] || die "no binary $after (build this checkout first, or name one)"
  after=$(realpath "$after")
  git -C "$ROOT" rev-parse --verify -q "$rev^{commit}" >/dev/null || die "not a git revision: $rev"
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/output-equality.XXXXXX")
  WT="$tmp/src"
  # The worktree is removed at exit; the two captures stay in $tmp to inspect.
  trap 'git -C "$ROOT" worktree remove --force "$WT" 2>/dev/null || true; git -C "$ROOT" worktree prune || true' EXIT
  git -C "$ROOT" worktree add --detach -q "$WT" "$rev"
  echo "building $rev in $WT (log: $tmp/build.log)"
  { cmake -S "$WT" -B "$WT/build" -G Ninja -DCMAKE_BUILD_TYPE=Release && ninja -C "$WT/build" mmpath; } \
    >"$tmp/build.log" 2>&1 || { tail -n 30 "$tmp/build.log"; die "build of $rev failed"; }
  # Each capture in its own shell: capture sets globals and an EXIT trap.
  bash "${BASH_SOURCE[0]}" capture "$WT/build/mmpath" "$tmp/before"
  bash "${BASH_SOURCE[0]}" capture "$after" "$tmp/after"
  echo "compare $tmp/before $tmp/after"
  compare "$tmp/before" "$tmp/after"
}

case ${1:-} in
  capture) shift; capture "$@" ;;
  compare) shift; compare "$@" ;;
  "" | -h | --help | help) usage ;;
  *) [ $# -le 2 ] || usage; rev_mode "$@" ;;
esac
