#!/usr/bin/env bash
# docs/errors.md, the catalogue of bad inputs, run entry by entry. The inputs and the expected
# answers are read from the catalogue itself (its "How the entries are written" section gives
# the format), so the catalogue cannot drift from the program. For every entry "### E<n> title":
# its command runs in a fresh folder holding the deck and the mesh files the entry names; the
# exit status must be the one given, every line of the quoted message must be a line of stderr
# (in that order; "…" stands for any text), there must be no crash (no signal, no PETSc signal
# handler, no timeout), and the folder must hold afterwards what it held before ("Writes
# nothing": nothing is written before everything is checked) or, for a solve that fails, the
# results so far. The catalogue must hold at least 30 entries and every one of them must run:
# an entry without its exit line, message or fix fails instead of dropping out. The "Known
# gaps" entries (### G<n>) are documented there and not run.
# Entries run with the host backend (PETSC_OPTIONS=-tcad_backend host; an option on the command
# line wins), four at a time; TCAD_TEST_WRAPPER wraps every tcad command.
set -u
T=${TCAD:?run through tests/run.sh}; DOC="$TCAD_ROOT/docs/errors.md"; DATA="$TCAD_ROOT/tests/data/errors"
W="$TCAD_TEST_TMP/errors"; rm -rf "$W"; mkdir -p "$W/bin" "$W/e"
wrap=${TCAD_TEST_WRAPPER:-}
limit=20; [ -n "$wrap" ] && limit=600 # seconds per entry; more under valgrind
jobs_max=4
fails=0
ok() { echo "PASS $1"; }
bad() { echo "FAIL $1: $2"; fails=$((fails + 1)); }
export LC_ALL=C
# a one-process run needs no MPI daemon or network transport: without them Open MPI starts in
# a third of the time (the test runs tcad about 80 times). Such runs share one session folder
# name under TMPDIR, so each entry gets its own TMPDIR (outside the folder it is checked in).
export OMPI_MCA_ess_singleton_isolated=1 OMPI_MCA_pml=ob1 OMPI_MCA_btl=self

[ -f "$DOC" ] || { bad errors.catalogue "no $DOC"; exit 1; }
# `tcad` in an entry's command is the binary under test
printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$wrap" "$T" >"$W/bin/tcad"
chmod +x "$W/bin/tcad"
# a CUDA device here? (the first line names the default backend; entries marked
# "Needs: no CUDA device" are skipped where there is one)
cuda=0
mkdir -p "$W/tmp/probe"
TMPDIR="$W/tmp/probe" "$T" run "$W/no-such-deck.yaml" 2>/dev/null | head -n1 | grep -q "backend cuda (" && cuda=1

# Split the catalogue: $W/e/<ID>/ gets title, deck.yaml (the first ```yaml block), cmd (the
# first ```sh block), message (the first ```text block), exit, writes, files, needs, fix; a
# second block of one kind, or an ID given twice, is recorded in "problem".
awk -v root="$W/e" '
function put(name, text) { f = root "/" cur "/" name; print text >> f; close(f) }
function problem(text) { put("problem", text) }
fence && /^```/ { fence = 0; next }
fence { if (target != "") { print >> target } next }
/^```/ {
  fence = 1; target = ""
  if (cur == "") next
  lang = substr($0, 4); sub(/[ \t].*$/, "", lang)
  name = lang == "yaml" ? "deck.yaml" : lang == "sh" ? "cmd" : lang == "text" ? "message" : ""
  if (name == "") next
  if (seen[cur, name]++) { problem("a second ```" lang " block"); next }
  target = root "/" cur "/" name
  next
}
/^## / { cur = ""; next }
/^### / {
  cur = ""
  if ($2 !~ /^E[0-9]+$/) next
  if (ids[$2]++) { cur = $2; problem("the ID " $2 " is given twice"); cur = ""; next }
  cur = $2; system("mkdir -p \"" root "/" cur "\"")
  t = $0; sub(/^### E[0-9]+ */, "", t); put("title", t)
  print cur >> (root "/ids"); close(root "/ids")
  next
}
cur == "" { next }
/^\*\*Exit [0-9]+\.\*\* Writes / {
  x = $2; sub(/\.\*\*$/, "", x); put("exit", x)
  w = $0; sub(/^.*\*\* Writes /, "", w); sub(/\..*$/, "", w); put("writes", w)
  next
}
/^Files: / { s = $0; sub(/^Files: */, "", s); put("files", s); next }
/^Needs: / { s = $0; sub(/^Needs: */, "", s); put("needs", s); next }
/^Fix: ./ { put("fix", "yes"); next }
' "$DOC"
[ -s "$W/e/ids" ] || { bad errors.catalogue "no entries (### E<n> title) in $DOC"; exit 1; }

# ERE for one quoted line: the line literally, "…" any text
line_re() { printf '%s\n' "$1" | sed -e 's/[][\\.*^$+?(){}|]/\\&/g' -e 's/…/.*/g' -e 's/^/^/' -e 's/$/$/'; }

# run_entry DIR: the entry's checks; writes its PASS/FAIL/SKIP line to DIR/result
run_entry() {
  local e=$1 id why="" rc exp w f
  id=$(basename "$e")
  local name="errors.$id"
  result() { echo "$1" >"$e/result"; }
  [ -s "$e/problem" ] && why=$(head -n1 "$e/problem")
  [ -z "$why" ] && [ ! -s "$e/exit" ] && why="no '**Exit N.** Writes nothing|results.' line"
  [ -z "$why" ] && [ ! -s "$e/message" ] && why="no \`\`\`text block with the message"
  [ -z "$why" ] && [ ! -s "$e/fix" ] && why="no 'Fix:' line"
  [ -z "$why" ] && [ ! -s "$e/deck.yaml" ] && [ ! -s "$e/cmd" ] && why="neither a \`\`\`yaml deck nor a \`\`\`sh command"
  if [ -n "$why" ]; then result "FAIL $name: malformed entry: $why"; return; fi
  exp=$(cat "$e/exit"); w=$(cat "$e/writes")
  case "$w" in nothing | results) ;; *) result "FAIL $name: malformed entry: 'Writes $w': use nothing or results"; return ;; esac
  if [ -s "$e/needs" ]; then
    if [ "$(cat "$e/needs")" != "no CUDA device" ]; then result "FAIL $name: malformed entry: unknown 'Needs: $(cat "$e/needs")'"; return; fi
    if [ "$cuda" = 1 ]; then result "SKIP $name: needs a machine without a CUDA device"; return; fi
  fi
  mkdir -p "$e/run" "$W/tmp/$id"
  [ -s "$e/deck.yaml" ] && cp "$e/deck.yaml" "$e/run/deck.yaml"
  if [ -s "$e/files" ]; then
    for f in $(cat "$e/files"); do
      cp "$DATA/$f" "$e/run/" 2>/dev/null || { result "FAIL $name: malformed entry: no tests/data/errors/$f"; return; }
    done
  fi
  (cd "$e/run" && find . | sort) >"$e/before"
  local cmd='tcad run deck.yaml -o out'
  [ -s "$e/cmd" ] && cmd=$(cat "$e/cmd")
  (cd "$e/run" && PATH="$W/bin:$PATH" TMPDIR="$W/tmp/$id" PETSC_OPTIONS="-tcad_backend host" timeout "$limit" bash -c "$cmd" >"$e/stdout" 2>"$e/stderr")
  rc=$?
  local err
  err=$(head -c 400 "$e/stderr")
  if [ "$rc" -eq 124 ]; then result "FAIL $name: no answer within $limit s ($cmd)"; return; fi
  if [ "$rc" -ge 128 ] || grep -Eq 'SEGV|Caught signal|Segmentation fault|core dumped|AddressSanitizer|MPI_ABORT' "$e/stderr"; then
    result "FAIL $name: crashed (exit $rc): $err"; return
  fi
  if [ "$rc" -ne "$exp" ]; then result "FAIL $name: exit $rc, expected $exp; stderr: $err"; return; fi
  # the quoted lines, in order
  local pos=0 line re hit
  while IFS= read -r line || [ -n "$line" ]; do
    re=$(line_re "$line")
    hit=$(tail -n +$((pos + 1)) "$e/stderr" | grep -nE -m1 -- "$re" | cut -d: -f1)
    if [ -z "$hit" ]; then result "FAIL $name: stderr has no line '$line' (after line $pos); stderr: $err"; return; fi
    pos=$((pos + hit))
  done <"$e/message"
  if [ "$w" = nothing ]; then
    (cd "$e/run" && find . | sort) >"$e/after"
    if ! cmp -s "$e/before" "$e/after"; then
      result "FAIL $name: wrote into its folder: $(comm -13 "$e/before" "$e/after" | tr '\n' ' ')"; return
    fi
  else
    for f in fields.h5 fields.xdmf iv.csv summary.json; do
      [ -s "$e/run/out/$f" ] || { result "FAIL $name: the results so far are not kept: no out/$f"; return; }
    done
  fi
  result "PASS $name"
}

ids=$(cat "$W/e/ids")
for id in $ids; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
  run_entry "$W/e/$id" &
done
wait
n=0 ran=0
for id in $ids; do
  n=$((n + 1))
  if [ -s "$W/e/$id/result" ]; then
    ran=$((ran + 1))
    r=$(cat "$W/e/$id/result")
    case "$r" in FAIL*) fails=$((fails + 1)) ;; esac
    echo "$r"
  fi
done
# every heading became an entry, and every entry ran; a third-level heading (outside code
# blocks) that is neither "### E<n> title" nor "### G<n> title" is a typo that would drop an entry
odd=$(awk '/^```/ { f = !f; next } !f && /^###/ && !/^### [EG][0-9]+ [^ ]/' "$DOC")
[ -z "$odd" ] && ok errors.headings || bad errors.headings "not '### E<n> title' or '### G<n> title': $(echo "$odd" | head -n3 | tr '\n' '|')"
headings=$(awk '/^```/ { f = !f; next } !f && /^### E[0-9]/' "$DOC" | wc -l)
[ "$ran" -eq "$n" ] && [ "$n" -eq "$headings" ] && ok errors.every_entry_ran \
  || bad errors.every_entry_ran "$headings headings '### E<n>', $n entries read, $ran ran"
[ "$n" -ge 30 ] && ok errors.catalogue_size || bad errors.catalogue_size "$n entries; the catalogue needs at least 30"
[ "$fails" -eq 0 ]
