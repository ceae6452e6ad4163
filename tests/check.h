/*
 * check.h: the unit test suites, one per module, run by check_main.c.
 */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <check.h>

Suite	*addr_suite(void);
Suite	*afile_suite(void);
Suite	*ktime_suite(void);
Suite	*tidx_suite(void);
Suite	*ingest_suite(void);
Suite	*jrec_suite(void);
Suite	*lineread_suite(void);
Suite	*misc_suite(void);	/* crc32c, strpool, diag, jout. */
Suite	*scan_suite(void);
Suite	*dedup_suite(void);
Suite	*akey_suite(void);
Suite	*dstage_suite(void);
Suite	*kvrec_suite(void);	/* kvrec and alert. */
Suite	*state_suite(void);
Suite	*stix_suite(void);
Suite	*hostile_suite(void);	/* Damaged indexes, yajl limits. */
Suite	*input_suite(void);
Suite	*match_suite(void);
Suite	*src_csv_suite(void);
Suite	*src_zeek_suite(void);	/* Zeek Intel and Suricata readers. */
Suite	*src_misp_suite(void);

#endif
