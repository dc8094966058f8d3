#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mutants.sh: are the tests worth what they claim? Puts each one-line bug of tests/mutants.txt
# into a scratch copy of the project, one at a time, builds it, runs the tests that need no
# window (and test-session, which watches the map file itself), and says which bugs no test
# caught. `make mutants` runs it; it is not part of `make test` (about a minute per bug).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scratch=${MUTANTS_DIR:-$(mktemp -d /tmp/cm-mutants-XXXXXX)}
list=${1:-tests/mutants.txt}
echo "scratch copy: $scratch"
mkdir -p "$scratch/project"
git ls-files -z | (cd "$root" && xargs -0 tar -cf -) | tar -C "$scratch/project" -xf -
ln -sfn "$root/../shared" "$scratch/shared"
cd "$scratch/project"
meson setup build >"$scratch/setup.log" 2>&1 || { echo "meson setup failed: $scratch/setup.log"; exit 2; }
ninja -C build >"$scratch/build.log" 2>&1 || { echo "the unchanged copy does not build"; exit 2; }
# every test but the window tests and the memcheck runs (test-session watches the map file)
tests=(test-import test-bad-geojson test-store test-history test-versions test-merge test-analysis test-network test-crash test-reports
       test-mbtiles test-render test-interop test-cli test-session)
meson test -C build --num-processes 2 "${tests[@]}" >"$scratch/clean.log" 2>&1 \
  || { echo "the unchanged copy fails its tests: $scratch/clean.log"; exit 2; }
grep -q "^Ok: *${#tests[@]}\b" "$scratch/clean.log" \
  || { echo "the unchanged copy did not run its ${#tests[@]} tests: $scratch/clean.log"; exit 2; }

caught=0 survived=0 n=0
while IFS=$'\t' read -r file from to why; do
  [ -z "$file" ] || [ "${file#\#}" != "$file" ] && continue
  n=$((n + 1))
  cp "$file" "$scratch/original"
  count=$(python3 -c 'import sys; print(open(sys.argv[1]).read().count(sys.argv[2]))' "$file" "$from")
  if [ "$count" != 1 ]; then
    echo "mutant $n ($why): its text is found $count times in $file: fix tests/mutants.txt"
    exit 2
  fi
  python3 -c 'import sys; p,a,b=sys.argv[1:]; s=open(p).read(); open(p,"w").write(s.replace(a,b))' "$file" "$from" "$to"
  if ! ninja -C build >"$scratch/mutant-$n.build.log" 2>&1; then
    result="caught (does not build)"
    caught=$((caught + 1))
  elif meson test -C build --num-processes 2 "${tests[@]}" >"$scratch/mutant-$n.log" 2>&1; then
    result="SURVIVED"
    survived=$((survived + 1))
  else
    failed=$(grep -E '^ *[0-9]+/[0-9]+ .*(FAIL|ERROR|TIMEOUT)' "$scratch/mutant-$n.log" \
             | sed -E 's/.* \/ ([a-z0-9-]+) .*/\1/' | sort -u | tr '\n' ' ')
    result="caught by $failed"
    caught=$((caught + 1))
  fi
  printf '%2d  %-58s %s\n' "$n" "$why" "$result"
  cp "$scratch/original" "$file"
done <"$root/$list"
ninja -C build >/dev/null 2>&1
echo "$n mutants: $caught caught, $survived survived"
[ "$survived" = 0 ]
