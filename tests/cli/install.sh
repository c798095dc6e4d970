#!/usr/bin/env bash
# install.sh MMPATH: `cmake --install` of the build MMPATH belongs to
# (MMPATH_BUILD_DIR) into a temporary prefix, which is then moved (an
# installed tree is relocatable), and checks what a hospital's IT would:
# - the installed CLI, run from another directory without MMPATH_KB,
#   evaluates a demo patient with the installed kb (its manifest is marked,
#   so the source tree's kb, still on this machine, cannot pass for it);
# - a C program built with `pkg-config --cflags --libs mmpath` (shared), and
#   one with libmmpath.a, opens the kb with mmpath_kb_open(NULL) and evaluates a record;
# - the man pages render (man -l) and groff finds no problem in them;
# - the systemd unit passes `systemd-analyze verify` (when systemd-analyze
#   exists: else that check is skipped, with the reason printed);
# - the example configuration file is accepted by `mmpath serve --config`;
# - LICENSE is installed and every artefact states Apache-2.0.
set -euo pipefail
# Checks read whole outputs (`grep >/dev/null`, never `grep -q`): with
# pipefail, grep -q closing the pipe early makes the writer die of SIGPIPE
# and fails a check at random.
MMPATH=${1:?usage: install.sh MMPATH}
build=${MMPATH_BUILD_DIR:-$(dirname "$MMPATH")}
src=${MMPATH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "install: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$tmp/first" >"$tmp/install.log" || {
  cat "$tmp/install.log" >&2; fail "cmake --install failed"; }
mv "$tmp/first" "$tmp/prefix"
p=$tmp/prefix
libdir=$(dirname "$(find "$p" -name mmpath.pc)")/..
for f in bin/mmpath include/mmpath.h include/mmpath_version.h share/mmpath/kb/manifest.yaml \
         share/man/man1/mmpath.1 share/man/man3/mmpath.3 lib/systemd/system/mmpath.service \
         share/doc/mmpath/LICENSE share/doc/mmpath/examples/mmpath.conf etc/mmpath/mmpath.conf; do
  [ -e "$p/$f" ] || fail "$f is not installed"
done
for f in libmmpath.a libmmpath.so libmmpath.so.0; do
  [ -e "$libdir/$f" ] || fail "$f is not installed"
done
objdump -p "$libdir/libmmpath.so" | grep 'SONAME *libmmpath\.so\.0$' >/dev/null || fail "no SONAME libmmpath.so.0"
# only the public API is exported
if nm -D --defined-only "$libdir/libmmpath.so" | awk '$2 ~ /^[TDB]$/ && $3 !~ /^mmpath_/' | grep .; then
  fail "libmmpath.so exports names outside the public API"
fi
cmp -s "$p/share/doc/mmpath/LICENSE" "$src/LICENSE" || fail "LICENSE differs"
grep -q 'Apache License' "$src/LICENSE" || fail "LICENSE is not Apache-2.0"
for f in "$libdir/pkgconfig/mmpath.pc" "$p/share/man/man1/mmpath.1" "$p/share/man/man3/mmpath.3" \
         "$p/lib/systemd/system/mmpath.service" "$p/etc/mmpath/mmpath.conf"; do
  grep -q 'Apache' "$f" || fail "$f does not state the license"
done

# the installed kb, marked: its version is the one the evaluation names
kb=$p/share/mmpath/kb
sed -i 's/^kb_version: "\(.*\)"/kb_version: "\1-installed"/' "$kb/manifest.yaml"
mkdir "$tmp/elsewhere"
cp "$src/demo/patients/01-second-relapse.json" "$tmp/elsewhere/patient.json"
cd "$tmp/elsewhere"
env -u MMPATH_KB "$p/bin/mmpath" kb list summary >"$tmp/summary" || fail "kb list failed"
grep -q -- "-installed (schema .*), reviewed .*, $kb\$" "$tmp/summary" || {
  cat "$tmp/summary" >&2; fail "the installed CLI does not read the installed kb"; }
env -u MMPATH_KB "$p/bin/mmpath" evaluate patient.json --format json >"$tmp/eval.json" ||
  fail "the installed CLI cannot evaluate"
grep -q '"knowledge_base":{"version":"[^"]*-installed"' "$tmp/eval.json" ||
  fail "the evaluation did not use the installed kb"
# --kb and MMPATH_KB still come first
MMPATH_KB=$src/kb "$p/bin/mmpath" kb list summary | grep " $src/kb\$" >/dev/null || fail "MMPATH_KB ignored"
env -u MMPATH_KB "$p/bin/mmpath" kb list summary --kb "$src/kb" | grep " $src/kb\$" >/dev/null ||
  fail "--kb ignored"

# a C program against the installed library, through pkg-config
cat >"$tmp/prog.c" <<'C'
#include <mmpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
  FILE *f = fopen(argv[1], "rb");
  if (!f || argc < 3) return 2;
  static char text[1 << 20];
  size_t len = fread(text, 1, sizeof text, f);
  fclose(f);
  mmpath_kb *kb;
  char *errors = NULL;
  if (mmpath_kb_open(&kb, NULL, &errors) != MMPATH_OK) {
    fprintf(stderr, "kb: %s\n", errors ? errors : "?");
    free(errors);
    return 3;
  }
  mmpath_evaluation *ev;
  if (mmpath_evaluation_new(&ev, NULL, kb, text, len, NULL) != MMPATH_OK) return 1;
  const mmpath_option *o = mmpath_evaluation_find(ev, argv[2]);
  static const char *names[] = {"not_met", "met", "unknown"};
  printf("mmpath %s kb %s: %s %s\n", MMPATH_VERSION, mmpath_kb_version(kb),
         o ? mmpath_option_id(o) : "?", o ? names[mmpath_option_verdict(o)] : "?");
  mmpath_evaluation_free(ev);
  mmpath_kb_free(kb);
  return 0;
}
C
export PKG_CONFIG_PATH=$libdir/pkgconfig
# the tree was installed for another prefix (CMAKE_INSTALL_PREFIX) and moved
pc() { pkg-config --define-variable=prefix="$p" "$@" mmpath; }
command -v pkg-config >/dev/null || fail "pkg-config is required"
pkg-config --exists mmpath || fail "pkg-config does not find mmpath"
[ "$(pkg-config --modversion mmpath)" = "$("$p/bin/mmpath" --version | cut -d' ' -f2)" ] ||
  fail "mmpath.pc's version differs from mmpath --version"
# the build under the sanitizers: the program must link their runtime too
san=
grep -q '^MMPATH_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" && san="-fsanitize=address,undefined"
# shellcheck disable=SC2046
cc -std=c17 -Wall -Werror $san -o "$tmp/prog" "$tmp/prog.c" $(pc --cflags --libs) \
  -Wl,-rpath,"$(cd "$libdir" && pwd)" || fail "the C program does not build against mmpath.pc"
# libmmpath.a with the system's shared libraries: what Requires.private
# names (direct dependencies only; `--static` would ask for their own
# static dependencies, which Debian's -dev packages do not all ship)
reqs=$(pc --print-requires-private | awk '{print $1}')
# shellcheck disable=SC2046,SC2086
# (it goes into PREFIX/bin, as an installed program: it finds the kb there)
cc -std=c17 -Wall -Werror $san -o "$p/bin/prog-static" "$tmp/prog.c" $(pc --cflags) \
  "$libdir/libmmpath.a" $(pkg-config --libs $reqs) -lpthread -lm ||
  fail "the C program does not build against libmmpath.a and mmpath.pc's Requires.private"
ldd "$tmp/prog" | grep "libmmpath.so.0 => $(cd "$libdir" && pwd)" >/dev/null || fail "prog does not use the installed libmmpath.so.0"
# Expected: cilta-cel is eligible on its EU label for this patient
# (one prior line with an IMiD and a PI, lenalidomide-refractory:
# Carvykti SmPC 4.1; the CLI's own evaluation of the same record says so).
want='cilta-cel met'
for prog in "$tmp/prog" "$p/bin/prog-static"; do
  out=$(env -u MMPATH_KB "$prog" patient.json cilta-cel) || fail "$prog failed"
  case $out in
    *"-installed: $want") ;;
    *) fail "$prog printed '$out', expected the installed kb and '$want'" ;;
  esac
done
# MMPATH_KB comes first for mmpath_kb_open(NULL) too
out=$(MMPATH_KB=$src/kb "$tmp/prog" patient.json cilta-cel) || fail "prog with MMPATH_KB failed"
case $out in *"-installed:"*) fail "mmpath_kb_open(NULL) ignored MMPATH_KB: $out" ;; esac

# the man pages
if command -v man >/dev/null; then
  man -l "$p/share/man/man1/mmpath.1" 2>/dev/null | grep 'EXIT STATUS' >/dev/null || fail "man -l mmpath.1"
  for c in evaluate facts 'kb check' screen referral funnel score serve token fhir demo trials; do
    man -l "$p/share/man/man1/mmpath.1" 2>/dev/null | grep "^ *$c" >/dev/null || fail "mmpath.1 lacks '$c'"
  done
  man -l "$p/share/man/man3/mmpath.3" 2>/dev/null | grep 'mmpath_kb_open' >/dev/null || fail "man -l mmpath.3"
else
  echo "install: man is not installed: the man-page rendering check is skipped"
fi
if command -v groff >/dev/null; then
  warn=$(groff -man -ww -z "$p/share/man/man1/mmpath.1" "$p/share/man/man3/mmpath.3" 2>&1)
  [ -z "$warn" ] || fail "groff: $warn"
fi

# the systemd unit, with ExecStart pointing at this prefix's binary
if command -v systemd-analyze >/dev/null; then
  sed "s#^ExecStart=[^ ]*/mmpath #ExecStart=$p/bin/mmpath #" "$p/lib/systemd/system/mmpath.service" \
    >"$tmp/mmpath.service"
  MANPATH=$p/share/man systemd-analyze verify "$tmp/mmpath.service" ||
    fail "systemd-analyze verify mmpath.service"
else
  echo "install: systemd-analyze is not installed: the unit check is skipped"
fi

# the example configuration: serve reads it (port and db overridden)
"$p/bin/mmpath" serve --config "$p/etc/mmpath/mmpath.conf" --port 0 --db "$tmp/s.db" \
  >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
for _ in $(seq 100); do
  grep -q '^listening on' "$tmp/serve.out" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.err" >&2; fail "serve --config exited"; }
  sleep 0.1
done
grep -q '^listening on http://127.0.0.1:' "$tmp/serve.out" || fail "serve --config did not listen"
grep -q 'demo' "$tmp/serve.out" && fail "the example configuration printed demo data"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
# a wrong line is reported with the file and line
printf 'port = 8080\n# fine\nmax-body = lots\n' >"$tmp/bad.conf"
if "$p/bin/mmpath" serve --config "$tmp/bad.conf" 2>"$tmp/bad.err"; then fail "bad.conf accepted"; fi
grep -q "^$tmp/bad.conf:3: " "$tmp/bad.err" || { cat "$tmp/bad.err" >&2; fail "no file:line"; }
echo "install: ok ($p)"
