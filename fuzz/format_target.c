/* SPDX-License-Identifier: MIT */
/*
 * format_target.c - what the harness's own fuzz targets (decode_fuzz.c,
 * vmt_fuzz.c, mutator_fuzz.c) share with the engines' mains: the input's
 * name, which the replay main sets for reports, and an initializer with
 * nothing to do (the replay main calls it; libFuzzer would skip it).
 */
#include "program_check.h"

const char *vmlock_fuzz_input_name;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}
