# Makefile for ti-index and kv-match.
#
# Targets: all (binaries in bin/), check (unit and end-to-end tests),
# werror (gcc and clang builds with -Werror),
# bench, install (PREFIX, DESTDIR), clean.  SANITIZE=1 builds with
# AddressSanitizer and UndefinedBehaviorSanitizer.

# ---- Configuration -------------------------------------------------------

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
LIBEXECDIR ?= $(PREFIX)/libexec/kv-match
UNITDIR	?= $(PREFIX)/lib/systemd/system
CC	?= cc
CFLAGS	?= -O2 -g
PKG_CONFIG ?= pkg-config

WARN	 = -Wall -Wextra -Wpedantic -Wformat=2 -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wvla -Wimplicit-fallthrough
STD	 = -std=c11 -D_POSIX_C_SOURCE=200809L
YAJL_CFLAGS := $(shell $(PKG_CONFIG) --cflags yajl 2>/dev/null)
YAJL_LIBS   := $(shell $(PKG_CONFIG) --libs yajl 2>/dev/null || echo -lyajl)
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck)

ifeq ($(SANITIZE),1)
SAN	 = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
endif

ALL_CFLAGS = $(STD) $(WARN) $(CFLAGS) $(SAN) $(YAJL_CFLAGS) -pthread -Isrc
ALL_LDFLAGS = $(LDFLAGS) $(SAN) -pthread

# ---- Sources -------------------------------------------------------------

# The modules both programs and the tests link (libtikv.a).
LIB_SRCS = src/addr.c src/afile.c src/ahead.c src/akey.c src/alert.c \
	   src/cli.c src/crc32c.c src/dedup.c src/diag.c src/dstage.c src/feed.c \
	   src/hash.c src/ingest.c src/source.c src/src_csv.c src/src_list.c \
	   src/src_misp.c src/src_sentinel.c src/src_spamhaus.c src/src_stix.c \
	   src/src_suricata.c src/src_zeek.c \
	   src/input.c src/ixreport.c src/jout.c src/jrec.c src/ktime.c \
	   src/kvrec.c src/lineread.c src/match.c src/pipeline.c src/scan.c \
	   src/state.c src/stix.c src/strpool.c src/thread.c src/tidx.c \
	   src/tidx_build.c src/utf8.c src/watch.c src/xalloc.c
TEST_SRCS = tests/check_main.c tests/check_addr.c tests/check_afile.c \
	   tests/check_ktime.c \
	   tests/check_tidx.c tests/check_ingest.c tests/check_jrec.c \
	   tests/check_lineread.c tests/check_misc.c tests/check_scan.c \
	   tests/check_dedup.c tests/check_kvrec.c tests/check_state.c \
	   tests/check_stix.c tests/check_hostile.c tests/check_akey.c \
	   tests/check_dstage.c tests/check_input.c tests/check_match.c \
	   tests/check_src_zeek.c \
	   tests/check_src_csv.c \
	   tests/check_src_misp.c \
	   tests/testlib.c

# Objects go to build/ (build/san/ with SANITIZE=1) so that the two kinds
# never mix; bin/ holds the binaries of the last build.
OBJDIR	 = build$(if $(filter 1,$(SANITIZE)),/san,/std)
LIB_OBJS = $(LIB_SRCS:src/%.c=$(OBJDIR)/%.o)
TEST_OBJS = $(TEST_SRCS:tests/%.c=$(OBJDIR)/tests/%.o)
LIB	 = $(OBJDIR)/libtikv.a
PROGS	 = bin/ti-index bin/kv-match
MAN1	 = man/ti-index.1 man/kv-match.1
MAN5	 = man/ti-index.5
RECIPES	 = $(wildcard scripts/recipes/*.sh)
RECIPE_FILES = $(filter-out $(RECIPES),$(wildcard scripts/recipes/*.*))
SENTINEL = $(wildcard scripts/recipes/sentinel/*)
UNITS	 = $(wildcard scripts/recipes/systemd/*)

# ---- Building ------------------------------------------------------------

all: $(PROGS)

# Relink when the build kind changes.
$(OBJDIR)/.kind: FORCE
	@mkdir -p $(OBJDIR)/tests
	@echo "$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)" > $@.new
	@if cmp -s $@.new bin/.kind 2>/dev/null; then \
		cp -p bin/.kind $@; rm -f $@.new; \
	else mv $@.new $@; fi

$(OBJDIR)/%.o: src/%.c src/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OBJDIR)/tests/%.o: tests/%.c tests/*.h src/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS) Makefile
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJS)

bin/%: $(OBJDIR)/%.o $(LIB) $(OBJDIR)/.kind
	@mkdir -p bin
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(YAJL_LIBS) -lm
	@cp -p $(OBJDIR)/.kind bin/.kind.$(@F) && \
	    mv -f bin/.kind.$(@F) bin/.kind

$(OBJDIR)/check_unit: $(TEST_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(TEST_OBJS) $(LIB) $(CHECK_LIBS) \
		$(YAJL_LIBS) -lm

# The Kafka mock cluster of tests/kafka.sh (librdkafka-dev), only for
# tests: make build/std/tests/mockcluster.
RDKAFKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags rdkafka 2>/dev/null)
RDKAFKA_LIBS   := $(shell $(PKG_CONFIG) --libs rdkafka 2>/dev/null || echo -lrdkafka)
MOCKCLUSTER = $(OBJDIR)/tests/mockcluster

$(MOCKCLUSTER): tests/kafka/mockcluster.c
	@mkdir -p $(@D)
	$(CC) $(STD) -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) $(RDKAFKA_CFLAGS) \
		-o $@ $< $(RDKAFKA_LIBS)

# ---- Testing -------------------------------------------------------------

# The recipe suites run real kcat, rsyslogd and servers: standard build
# only (the mock cluster when librdkafka-dev is there).  Under the
# sanitizers the unit tests get more time each, and ASan's quarantine of
# freed memory is 8 MiB, not 256: every test runs in a child forked from
# the runner, and a runner grown by the default quarantine (750 MiB) made
# each fork and each child's leak check cost over half a second (one share of
# the tests: 297 s with the default, 78 s with 8 MiB).
HAVE_RDKAFKA := $(shell $(PKG_CONFIG) --exists rdkafka 2>/dev/null && echo yes)
CHECK_DEPS = all $(OBJDIR)/check_unit
# Shares of the unit tests run at once (tests/units.sh).
UNIT_JOBS ?= 2
ifeq ($(SANITIZE),1)
CK_ENV	 = CK_TIMEOUT_MULTIPLIER=4 ASAN_OPTIONS=quarantine_size_mb=8
# The e2e cases that are run again with reads cut small: under the
# sanitizers, with these sizes rather than every one from 1 to 31.
E2E_ENV	 = E2E_RESPLIT='1 2 3 4 5 7 8 13 16 31'
else
CHECK_DEPS += $(if $(HAVE_RDKAFKA),$(MOCKCLUSTER))
endif

# Every source, tests included, built with -Werror by gcc and by clang
# (two jobs at a time: the rules make their directories themselves).
werror:
	$(MAKE) clean
	$(MAKE) -j2 CC=clang CFLAGS='-O2 -Werror' all $(OBJDIR)/check_unit
	$(MAKE) clean
	$(MAKE) -j2 CC=gcc CFLAGS='-O2 -Werror' all $(OBJDIR)/check_unit
	$(MAKE) clean

# The programs and tests are built first, two jobs at a time; the e2e
# cases run two at a time too (E2E_JOBS).
check:
	$(MAKE) -j2 $(CHECK_DEPS)
	$(CK_ENV) CK_VERBOSITY=normal TESTDATA=tests/data \
	    sh tests/units.sh $(OBJDIR)/check_unit $(UNIT_JOBS)
	$(E2E_ENV) sh tests/e2e.sh
ifneq ($(SANITIZE),1)
	sh tests/recipes.sh
	MOCKCLUSTER=$(CURDIR)/$(MOCKCLUSTER) sh tests/kafka.sh || \
	    { echo "kafka: once more (a loaded machine can starve the cluster)"; \
	    MOCKCLUSTER=$(CURDIR)/$(MOCKCLUSTER) sh tests/kafka.sh; }
	sh tests/rsyslog.sh
else
	@echo "recipes, kafka, rsyslog: skipped with SANITIZE=1"
endif
	@if command -v mandoc >/dev/null; then \
		mandoc -Tlint -W warning $(MAN1) $(MAN5) && \
		echo "man pages: mandoc -Tlint clean"; fi

bench: all
	sh scripts/bench.sh

# The libFuzzer harnesses (clang), each run FUZZ_SECONDS: tests/fuzz.
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) -C tests/fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

# A demonstration on the bundled sample data.
demo: all
	sh scripts/demo.sh

# ---- Installing ----------------------------------------------------------

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)/
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	install -d $(DESTDIR)$(LIBEXECDIR)/sentinel $(DESTDIR)$(UNITDIR)
	for f in $(RECIPES) $(RECIPE_FILES) $(SENTINEL) $(UNITS); do \
		case $$f in \
		*/systemd/*) d=$(UNITDIR); m=644 ;; \
		*/sentinel/*) d=$(LIBEXECDIR)/sentinel; m=644 ;; \
		*.sh) d=$(LIBEXECDIR); m=755 ;; \
		*) d=$(LIBEXECDIR); m=644 ;; \
		esac; \
		sed -e 's|/usr/local/libexec/kv-match|$(LIBEXECDIR)|g' \
		    -e 's|/usr/local/bin/|$(BINDIR)/|g' $$f \
		    >$(DESTDIR)$$d/$${f##*/}.tmp && \
		chmod $$m $(DESTDIR)$$d/$${f##*/}.tmp && \
		mv -f $(DESTDIR)$$d/$${f##*/}.tmp $(DESTDIR)$$d/$${f##*/} || exit 1; \
	done

uninstall:
	cd $(DESTDIR)$(BINDIR) && rm -f ti-index kv-match
	cd $(DESTDIR)$(MANDIR) && rm -f man1/ti-index.1 man1/kv-match.1 \
		man5/ti-index.5
	rm -f $(foreach f,$(RECIPES) $(RECIPE_FILES),$(DESTDIR)$(LIBEXECDIR)/$(notdir $(f))) \
		$(foreach f,$(SENTINEL),$(DESTDIR)$(LIBEXECDIR)/sentinel/$(notdir $(f))) \
		$(foreach f,$(UNITS),$(DESTDIR)$(UNITDIR)/$(notdir $(f)))
	-rmdir $(DESTDIR)$(LIBEXECDIR)/sentinel $(DESTDIR)$(LIBEXECDIR) 2>/dev/null

clean:
	rm -rf build bin

FORCE:
.PHONY: all check werror bench demo fuzz install uninstall clean FORCE
.SECONDARY:
