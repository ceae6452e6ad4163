/*
 * ixreport.h: what ti-index prints about an index, as JSON: the header
 * and counts (--info) and the indicator kept for an address (--lookup),
 * and those two commands.  The member names are listed in ti-index.1.
 */
#ifndef IXREPORT_H
#define IXREPORT_H

#include "jout.h"
#include "tidx.h"

/* A member key holding the index string s (null when s is null). */
void	 ixreport_str(struct jout *j, const char *key, struct tidx_str s);

/* The member ConfidenceScore: a number, or null (TIDX_CONF_NULL). */
void	 ixreport_confidence(struct jout *j, int32_t confidence);

/* One object: the index at path, its header and counts. */
void	 ixreport_info(struct jout *j, const char *path,
	    const struct tidx_info *in, int verified);

/*
 * One object: the indicator ind kept for the address a, written as text
 * on the command line.
 */
void	 ixreport_indicator(struct jout *j, const char *text,
	    const struct addr *a, const struct tidx_ind *ind);

/*
 * ti-index --info and --verify on the index at path: print its header
 * and counts to stdout (info) after checking every checksum (verify).
 * Returns 0; exits 2 with a message when the index does not open or
 * verify, or stdout cannot be written.
 */
int	 ixreport_info_cmd(const char *path, int info, int verify);

/*
 * ti-index --lookup: print the indicator kept for each address (argc
 * texts at argv) as NDJSON.  Returns 0 when one was found, 1 when none
 * was, 2 when none was found and an argument is not an address; exits 2
 * as ixreport_info_cmd does.
 */
int	 ixreport_lookup_cmd(const char *path, int argc, char **argv);

#endif /* IXREPORT_H */
