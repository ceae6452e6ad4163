/*
 * check_main.c: run every unit test suite, or a share of them; exit
 * status 1 when any test failed (Check's own summary line says how many
 * ran).
 */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"

/*
 * The suites, heaviest first, so that taking every n-th one splits the
 * work about evenly.
 */
static Suite *(*const suites[])(void) = {
	scan_suite,
	tidx_suite,
	match_suite,
	lineread_suite,
	state_suite,
	dedup_suite,
	ingest_suite,
	stix_suite,
	input_suite,
	kvrec_suite,
	jrec_suite,
	misc_suite,
	hostile_suite,
	src_misp_suite,
	ktime_suite,
	src_zeek_suite,
	dstage_suite,
	afile_suite,
	addr_suite,
	akey_suite,
	src_csv_suite,
};

/*
 * check_unit [part parts]: run every suite, or (for parallel runs) only
 * those whose place in suites[] is part modulo parts.
 */
int
main(int argc, char *argv[])
{
	SRunner	*sr = NULL;
	unsigned long part = 0, parts = 1;
	size_t	 i;
	int	 failed;
	char	*end = "";

	if (argc == 3) {
		part = strtoul(argv[1], &end, 10);
		if (*end == '\0')
			parts = strtoul(argv[2], &end, 10);
	}
	if ((argc != 1 && argc != 3) || *end != '\0' || parts == 0 ||
	    part >= parts) {
		fprintf(stderr, "usage: check_unit [part parts]\n");
		return 2;
	}
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (i % parts != part)
			continue;
		if (sr == NULL)
			sr = srunner_create(suites[i]());
		else
			srunner_add_suite(sr, suites[i]());
	}
	if (sr == NULL)
		return EXIT_SUCCESS;
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
