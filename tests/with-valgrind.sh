#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# with-valgrind.sh PROGRAM ARGS…: runs a test under valgrind's memcheck (no invalid access, no
# definite leaks). Without valgrind the test fails, saying so, rather than being left out.
if ! command -v valgrind >/dev/null 2>&1; then
  echo "Bail out! valgrind is missing: make test-deps installs it"
  exit 1
fi
exec valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
  --show-leak-kinds=definite --quiet "$@"
