/*
 * ixreport.h: what ti-index prints about an index, as JSON: the header
 * and counts (--info) and the indicator kept for an address (--lookup).
 * The member names are listed in ti-index.1.
 */
#ifndef IXREPORT_H
#define IXREPORT_H

#include "jout.h"
#include "tidx.h"

/* One object: the index at path, its header and counts. */
void	 ixreport_info(struct jout *j, const char *path,
	    const struct tidx_info *in, int verified);

/* One object: the indicator ind kept for the address written as addr. */
void	 ixreport_indicator(struct jout *j, const char *addr,
	    const struct tidx_ind *ind);

#endif /* IXREPORT_H */
