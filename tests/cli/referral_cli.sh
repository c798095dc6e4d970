#!/usr/bin/env bash
# referral_cli.sh: `mmpath referral` as a coordinator uses it (docs/referral.md):
# new, move, show, list, export, import, check; refused moves name the field,
# exit 1 and store nothing; names are refused as patient ids; export then
# import into a fresh registry gives the same registry.
set -uo pipefail
M=${1:?usage: referral_cli.sh PATH-TO-MMPATH}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DB="$T/r.db"
fails=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }
# expect EXIT-CODE DESCRIPTION -- COMMAND...; stderr+stdout kept in $T/out
expect() {
  local want=$1 what=$2; shift 3
  "$@" >"$T/out" 2>&1; local got=$?
  if [ "$got" = "$want" ]; then ok "$what (exit $got)"; else bad "$what: exit $got, wanted $want"; cat "$T/out"; fi
}
has() { if grep -qF -- "$1" "$T/out"; then ok "says: $1"; else bad "missing: $1"; cat "$T/out"; fi; }

expect 0 "new referral" -- "$M" referral new --db "$DB" --id R-1 --patient BO-0017 --from FE-ONC \
  --to BO-SER --target ide-cel --date 2024-03-02
expect 1 "the same id again" -- "$M" referral new --db "$DB" --id R-1 --patient BO-0017 \
  --from FE-ONC --to BO-SER --target ide-cel --date 2024-03-02
has "already exists"
expect 0 "waitlisted" -- "$M" referral move R-1 waitlisted --db "$DB" --date 2024-03-09
expect 1 "waitlisted -> apheresis refused" -- "$M" referral move R-1 apheresis --db "$DB" --date 2024-03-10
has "R-1.events[2].state: move from 'waitlisted' to 'apheresis' not allowed"
expect 1 "date before the last event refused" -- "$M" referral move R-1 screening --db "$DB" --date 2024-03-01
has "R-1.events[2].date: date 2024-03-01 is earlier than the previous event's (2024-03-09, 'waitlisted')"
expect 0 "screening" -- "$M" referral move R-1 screening --db "$DB" --date 2024-03-20
expect 1 "not_eligible without a reason refused" -- "$M" referral move R-1 not_eligible --db "$DB" --date 2024-03-27
has "R-1.events[3].reason: state 'not_eligible' requires a reason"
expect 1 "unknown reason refused" -- "$M" referral move R-1 not_eligible --db "$DB" --date 2024-03-27 --reason bad
has "unknown reason 'bad'"
expect 2 "unknown state is a usage error" -- "$M" referral move R-1 cured --db "$DB"
expect 2 "bad date is a usage error" -- "$M" referral move R-1 eligible --db "$DB" --date 2024-02-30
expect 1 "unknown referral" -- "$M" referral move R-9 eligible --db "$DB" --date 2024-03-27
expect 0 "not_eligible with reason" -- "$M" referral move R-1 not_eligible --db "$DB" --date 2024-03-27 \
  --reason aggressive_disease --note "plasma cell leukaemia"
expect 0 "show" -- "$M" referral show R-1 --db "$DB"
has "2024-03-27  not_eligible"
# Nothing of the refused moves was stored: 4 events exactly.
if [ "$(grep -c '^  20' "$T/out")" = 4 ]; then ok "4 events stored, refused ones not"; else bad "event count"; cat "$T/out"; fi
expect 0 "show json is the spec's example" -- "$M" referral show R-1 --db "$DB" --format json
has '{"date": "2024-03-27", "state": "not_eligible", "reason": "aggressive_disease", "note": "plasma cell leukaemia", "actor": "cli:'
# (every change records who made it: the operating-system user, cli:USER)

for name in "Mario Rossi" "ROSSI" "Rossi,Mario"; do
  expect 1 "patient '$name' refused (not a pseudonym)" -- "$M" referral new --db "$DB" --id R-2 \
    --patient "$name" --from FE-ONC --to BO-SER --target ide-cel --date 2024-03-02
  has "patient: patient id"
done
expect 1 "unknown product refused" -- "$M" referral new --db "$DB" --id R-2 --patient BO-0018 \
  --from FE-ONC --to BO-SER --target aspirin --date 2024-03-02
has "target: unknown target 'aspirin'"
# A bispecific's first step-up dose counts as infused, straight after eligible.
expect 0 "bispecific referral" -- "$M" referral new --db "$DB" --id R-3 --patient BO-0019 \
  --from BO-SER --to BO-SER --target teclistamab --date 2024-04-01
"$M" referral move R-3 screening --db "$DB" --date 2024-04-02 >/dev/null
"$M" referral move R-3 eligible --db "$DB" --date 2024-04-03 >/dev/null
expect 0 "bispecific eligible -> infused" -- "$M" referral move R-3 infused --db "$DB" --date 2024-04-10

expect 0 "list" -- "$M" referral list --db "$DB"
has "R-3	BO-0019	BO-SER	BO-SER	teclistamab	2024-04-01	infused	2024-04-10"
expect 0 "list --state" -- "$M" referral list --db "$DB" --state not_eligible --format count
has "1"
expect 0 "export" -- "$M" referral export --db "$DB" --out "$T/all.json"
expect 0 "import the export into a new registry" -- "$M" referral import "$T/all.json" --db "$T/copy.db"
has "2 referrals: 2 created"
"$M" referral export --db "$T/copy.db" >"$T/copy.json"
if cmp -s "$T/all.json" "$T/copy.json"; then ok "export -> import -> export is identical"; else bad "round trip differs"; fi
expect 0 "re-import is a no-op" -- "$M" referral import "$T/all.json" --db "$T/copy.db"
has "2 unchanged"

# All or nothing, with the error's record and field path and line:col.
cat >"$T/bad.json" <<'EOF'
[
{"schema":"mmpath/referral@1","id":"N-1","patient":"PN-1","from_center":"FE-ONC","to_center":"BO-SER","target":"ide-cel","events":[{"date":"2024-01-01","state":"referred"}]},
{"schema":"mmpath/referral@1","id":"N-2","patient":"PN-2","from_center":"FE-ONC","to_center":"BO-SER","target":"ide-cel","events":[{"date":"2024-01-01","state":"referred"}]},
{"schema":"mmpath/referral@1","id":"N-3","patient":"PN-3","from_center":"FE-ONC","to_center":"BO-SER","target":"ide-cel","events":[{"date":"2024-01-01","state":"referred"}]},
{"schema":"mmpath/referral@1","id":"N-4","patient":"PN-4","from_center":"FE-ONC","to_center":"BO-SER","target":"ide-cel","events":[{"date":"2024-01-01","state":"referred"},{"date":"2024-01-02","state":"waitlisted"},{"date":"2024-01-03","state":"apheresis"}]}
]
EOF
expect 1 "import with one bad event" -- "$M" referral import "$T/bad.json" --db "$DB"
has "[3].events[2].state: move from 'waitlisted' to 'apheresis' not allowed"
has "bad.json:5:"
has "nothing imported"
expect 0 "nothing of it stored" -- "$M" referral list --db "$DB" --format count
has "2"
printf '{"schema": "mmpath/referral@1", "id": "X"' >"$T/trunc.json"
expect 1 "truncated JSON refused" -- "$M" referral import "$T/trunc.json" --db "$DB"
expect 0 "check" -- "$M" referral check --db "$DB"
has "registry ok: 2 referrals"
# The registry holds no names: only the ids given.
if command -v sqlite3 >/dev/null; then
  cols=$(sqlite3 "$DB" "SELECT group_concat(name) FROM pragma_table_info('referrals')")
  if [ "$cols" = "id,patient,from_center,to_center,target,referred_on,recorded_at,state" ]; then
    ok "referrals table has no name column"; else bad "columns: $cols"; fi
  if sqlite3 "$DB" "UPDATE events SET state='eligible'" 2>/dev/null; then bad "events updatable"
  else ok "events are append-only in the database itself"; fi
  # the schema's versions, one row each (store_migrate.h), and user_version
  # kept equal so that an mmpath from before schema_version refuses it
  [ "$(sqlite3 "$DB" "SELECT group_concat(version) FROM schema_version")" = 1,2,3,4,5,6 ] &&
    [ "$(sqlite3 "$DB" "PRAGMA user_version")" = 6 ] && ok "schema version 6" || bad "schema version"
  [ "$(sqlite3 "$DB" "PRAGMA journal_mode")" = wal ] && ok "WAL journal" || bad "journal_mode"
  cp "$DB" "$T/future.db"
  sqlite3 "$T/future.db" "INSERT INTO schema_version VALUES (99, 'x')"
  expect 3 "a registry from a newer mmpath is refused" -- "$M" referral list --db "$T/future.db"
  has "the database schema is version 99, newer than this mmpath (it knows up to 6)"
  # a registry of the version before (user_version 3, the server's tables
  # beside it) is migrated: its token still opens, its audit rows stay
  sqlite3 "$T/old.db" "PRAGMA user_version = 3;
    CREATE TABLE centers (id TEXT PRIMARY KEY, name TEXT) STRICT;
    CREATE TABLE referrals (id TEXT PRIMARY KEY, patient TEXT NOT NULL, from_center TEXT NOT NULL,
      to_center TEXT NOT NULL, target TEXT NOT NULL, referred_on TEXT NOT NULL,
      recorded_at TEXT NOT NULL DEFAULT 'x') STRICT;
    CREATE TABLE events (referral TEXT NOT NULL, seq INTEGER NOT NULL, date TEXT NOT NULL,
      state TEXT NOT NULL, reason TEXT, note TEXT, recorded_at TEXT NOT NULL DEFAULT 'x',
      actor TEXT, kind TEXT, data TEXT, PRIMARY KEY (referral, seq)) STRICT, WITHOUT ROWID;
    CREATE TABLE server_schema(version INTEGER NOT NULL); INSERT INTO server_schema VALUES (1);
    CREATE TABLE api_tokens(id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, center TEXT NOT NULL,
      role TEXT NOT NULL, created TEXT NOT NULL, created_by TEXT NOT NULL, revoked TEXT);
    INSERT INTO api_tokens VALUES (1, 'abc', 'BO-SER', 'hub', '2025-01-01T00:00:00Z', 'x', NULL);
    CREATE TABLE api_audit(id INTEGER PRIMARY KEY, at TEXT NOT NULL, token_id INTEGER,
      center TEXT, role TEXT, action TEXT NOT NULL, object TEXT, detail TEXT);
    INSERT INTO api_audit VALUES (1, '2025-01-01T00:00:00Z', 1, 'BO-SER', 'hub', 'referral.create', 'R-9', NULL);"
  expect 0 "a version-3 registry is migrated" -- "$M" token list --db "$T/old.db"
  has "1    BO-SER       hub      2025-01-01T00:00:00Z  never"
  [ "$(sqlite3 "$T/old.db" "SELECT count(*) FROM api_audit; SELECT max(version) FROM schema_version")" = "1
6" ] && ok "its audit row kept, schema 6" || bad "old registry after migration"
fi
expect 2 "usage" -- "$M" referral
expect 3 "unreadable kb" -- "$M" referral list --db "$DB" --kb "$T/nokb"
echo "$fails failure(s)"
[ "$fails" = 0 ]
