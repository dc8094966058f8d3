/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-harness.h: what every harness in tests/fuzz defines (libFuzzer's entry points), and what
 * they share. A harness returns 0 for every input; a bug is a crash, a leak or a sanitizer
 * report, or a g_error() where an invariant the code promises does not hold. */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A file of @size bytes of @data in a folder of this process's own (in /dev/shm when there is
 * one: fuzzing writes many), named @name; its path. The folder is removed at exit. */
char *fuzz_write_file (const char *name, const uint8_t *data, size_t size);
