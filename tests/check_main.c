/*
 * check_main.c: run every unit test suite; exit status 1 when any test
 * failed (Check's own summary line says how many ran).
 */
#include <stdlib.h>

#include "check.h"

int
main(void)
{
	SRunner	*sr = srunner_create(addr_suite());
	int	 failed;

	srunner_add_suite(sr, afile_suite());
	srunner_add_suite(sr, ktime_suite());
	srunner_add_suite(sr, tidx_suite());
	srunner_add_suite(sr, ingest_suite());
	srunner_add_suite(sr, jrec_suite());
	srunner_add_suite(sr, lineread_suite());
	srunner_add_suite(sr, misc_suite());
	srunner_add_suite(sr, scan_suite());
	srunner_add_suite(sr, dedup_suite());
	srunner_add_suite(sr, akey_suite());
	srunner_add_suite(sr, dstage_suite());
	srunner_add_suite(sr, kvrec_suite());
	srunner_add_suite(sr, state_suite());
	srunner_add_suite(sr, stix_suite());
	srunner_add_suite(sr, hostile_suite());
	srunner_add_suite(sr, input_suite());
	srunner_add_suite(sr, match_suite());
	srunner_add_suite(sr, src_csv_suite());
	srunner_add_suite(sr, src_zeek_suite());
	srunner_add_suite(sr, src_misp_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
