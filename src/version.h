/* version.h: the release both tools report with -V. */
#ifndef VERSION_H
#define VERSION_H
#define VERSION	"0.1.0"
#endif
