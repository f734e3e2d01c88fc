# dkimlens - one non-recursive GNU Makefile (see ../shared/STYLE.md section 8)
#
#   make            build/libdkimlens.a, build/dkimlens-keytool, build/dkimlens-milter
#   make check      install missing packages, build, run every suite (plus ASan/UBSan)
#   make run        build and run the milter in the foreground with conf/dkimlens.conf
#   make bench      milter-protocol load benchmark against OpenDKIM
#   make install    PREFIX=/usr/local SYSCONFDIR=$(PREFIX)/etc DESTDIR=
#   make uninstall  the same variables: removes what install installed
#   make deb        build/dkimlens_VERSION_ARCH.deb (debhelper, from debian/)
#   make SAN=1      sanitizer build in build-san/

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= $(PREFIX)/etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR ?=
VERSION := $(shell sed -n 's/^.define DKIMLENS_VERSION[^"]*"\([^"]*\)".*/\1/p' \
	lib/version.h)

CC ?= cc
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
WERROR ?= -Werror
# -Wno-format-truncation: snprintf into fixed fields (reasons, hints, names)
# truncates on purpose; gcc 12 flags every such call at -O2.
WARNFLAGS = -Wall -Wextra $(WERROR) -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wvla \
	-Wno-format-truncation
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -pthread $(WARNFLAGS) $(CFLAGS)
ALL_CPPFLAGS = -I. $(shell $(PKG_CONFIG) --cflags libcrypto ldns libpsl zlib \
	2>/dev/null) \
	$(CPPFLAGS)
# zlib: dkimlens-keytool report reads rotated .gz logs (and plain ones)
LIBS = $(shell $(PKG_CONFIG) --libs libcrypto ldns libpsl zlib 2>/dev/null || \
	echo -lcrypto -lldns -lpsl -lz) -pthread
MILTER_LIBS = -lmilter
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

ifeq ($(SAN),1)
B ?= build-san
CFLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
else
B ?= build
endif

LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
LIB_A := $(B)/libdkimlens.a
KEYTOOL_SRC := $(sort $(wildcard keytool/*.c))
KEYTOOL_OBJ := $(KEYTOOL_SRC:%.c=$(B)/%.o)
MILTER_SRC := $(sort $(wildcard milter/*.c))
MILTER_OBJ := $(MILTER_SRC:%.c=$(B)/%.o)
KEYTOOL := $(B)/dkimlens-keytool
MILTER := $(B)/dkimlens-milter

# Unit tests: tests/unit/test_X.c is one program.  A test that includes
# "tests/unit/fake_dns.h" links tests/unit/fake_dns.c in place of lib/dns*.c
# (a link seam: the fake's object comes before the archive).
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/unit/%)
FAKEDNS_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,\
	$(shell grep -l 'tests/unit/fake_dns.h' $(UNIT_SRC) /dev/null 2>/dev/null))
# A test that includes "tests/unit/oracle.h" (the independent reference
# canonicalizer of the sign and verify tests) is linked with oracle.c.
ORACLE_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,\
	$(shell grep -l 'tests/unit/oracle.h' $(UNIT_SRC) /dev/null 2>/dev/null))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/tests/fuzz/%)
BENCH_SRC := $(sort $(wildcard tests/bench/*.c))
BENCH_BIN := $(if $(BENCH_SRC),$(B)/tests/bench/milterload)
# Helper programs of the script suites: tests/SUITE/X.c is one program.
SUITE_SRC := $(sort $(wildcard tests/dns/*.c tests/diag/*.c \
	tests/interop/*.c tests/e2e/*.c tests/keytool/*.c tests/hostile/*.c \
	tests/report/*.c tests/daemon/*.c))
SUITE_BIN := $(SUITE_SRC:%.c=$(B)/%)
# tests/lib/failhdr.c: the e2e suite's LD_PRELOAD fault injection (not
# in SUITE_SRC: a shared object, not a program).
FAILHDR := $(B)/tests/lib/failhdr.so
HDR_CHECK := $(patsubst lib/%.h,$(B)/hdrcheck/%.o,$(wildcard lib/*.h))

all: $(LIB_A) $(KEYTOOL) $(if $(MILTER_SRC),$(MILTER))

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(KEYTOOL): $(KEYTOOL_OBJ) $(LIB_A)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(KEYTOOL_OBJ) $(LIB_A) $(LIBS)

$(MILTER): $(MILTER_OBJ) $(LIB_A)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(MILTER_OBJ) $(LIB_A) \
	    $(MILTER_LIBS) $(LIBS)

$(B)/tests/unit/%: $(B)/tests/unit/%.o $(LIB_A)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(if $(filter $@,$(FAKEDNS_TESTS)),$(B)/tests/unit/fake_dns.o) \
	    $(if $(filter $@,$(ORACLE_TESTS)),$(B)/tests/unit/oracle.o) \
	    $(LIB_A) $(CMOCKA_LIBS) $(LIBS)
$(FAKEDNS_TESTS): $(B)/tests/unit/fake_dns.o
$(ORACLE_TESTS): $(B)/tests/unit/oracle.o

# Fuzz harnesses: with clang's libFuzzer under `make fuzz`; in `make check`
# each harness is linked with a driver that replays its corpus.
$(B)/tests/fuzz/%: $(B)/tests/fuzz/%.o $(B)/tests/fuzz/replay.o $(LIB_A)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/tests/fuzz/replay.o \
	    $(LIB_A) $(LIBS)

$(B)/tests/bench/milterload: $(BENCH_SRC:%.c=$(B)/%.o) $(LIB_A)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(BENCH_SRC:%.c=$(B)/%.o) \
	    $(LIB_A) $(LIBS)

$(SUITE_BIN): $(B)/%: $(B)/%.o $(LIB_A)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_A) $(LIBS)
# mfclient speaks the milter protocol with the benchmark's MTA side.
$(B)/tests/hostile/mfclient: $(B)/tests/bench/mta.o $(B)/tests/bench/message.o

$(FAILHDR): tests/lib/failhdr.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -fPIC -shared $(LDFLAGS) -o $@ $< \
	    -ldl

# Every public header compiles alone.
$(B)/hdrcheck/%.o: lib/%.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -x c -c -o $@ $<

# milterload is also the report suite's MTA (a real milter run's log).
tests: $(UNIT_BIN) $(FUZZ_BIN) $(SUITE_BIN) $(HDR_CHECK) $(BENCH_BIN) \
	$(FAILHDR)

deps:
	sh contrib/install-deps.sh

# check: the README's test command.  Installs what is missing, builds
# the normal and the sanitizer trees, runs every suite, prints the summary.
check: deps
	$(MAKE) all tests
	$(MAKE) SAN=1 all tests
	sh tests/run.sh

# run: the sample configuration and tables, unchanged, with example keys
# made on first use in $(B)/run/keys (mode 600 in a 700 directory) under
# the names the README's genkey gives them.
run: deps all
	@mkdir -p $(B)/run/keys && chmod 700 $(B)/run/keys
	cp conf/dkimlens.conf conf/key.table conf/signing.table $(B)/run/
	@[ -f $(B)/run/keys/rsa2024.private ] || $(KEYTOOL) genkey \
	    --selector rsa2024 --domain example.com --out $(B)/run/keys \
	    >/dev/null
	@[ -f $(B)/run/keys/ed2024.private ] || $(KEYTOOL) genkey \
	    --type ed25519 --selector ed2024 --domain example.com \
	    --out $(B)/run/keys >/dev/null
	$(MILTER) -f -c $(B)/run/dkimlens.conf

# What embeds the installation paths is rebuilt when they change: the
# stamp holds them and is rewritten only when they differ.
PATHS_STAMP := $(B)/paths.stamp
$(PATHS_STAMP): FORCE
	@mkdir -p $(B)
	@echo 'SYSCONFDIR=$(SYSCONFDIR) SBINDIR=$(SBINDIR)' | \
	    cmp -s - $@ 2>/dev/null || \
	    echo 'SYSCONFDIR=$(SYSCONFDIR) SBINDIR=$(SBINDIR)' >$@
$(B)/milter/main.o: ALL_CPPFLAGS += -DSYSCONFDIR='"$(SYSCONFDIR)"'
$(B)/milter/main.o: $(PATHS_STAMP)

$(B)/dkimlens.service: contrib/dkimlens.service $(PATHS_STAMP)
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    contrib/dkimlens.service >$@

bench: deps all $(BENCH_BIN)
	BENCH_BUILD=$(B) sh tests/bench/run.sh
	BENCH_BUILD=$(B) sh tests/bench/postfix.sh

fuzz:
	$(MAKE) B=build-fuzz CC=clang \
	    CFLAGS='-O1 -g -fsanitize=fuzzer-no-link,address,undefined \
	    -Wno-unknown-warning-option' all
	sh tests/fuzz/libfuzzer.sh

install: all $(B)/dkimlens.service
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSCONFDIR)/dkimlens \
	    $(DESTDIR)$(UNITDIR)
	install -m 755 $(KEYTOOL) $(DESTDIR)$(BINDIR)/dkimlens-keytool
	install -m 755 $(MILTER) $(DESTDIR)$(SBINDIR)/dkimlens-milter
	for m in man/*.[158]; do \
	    [ -f "$$m" ] || continue; \
	    install -m 644 "$$m" $(DESTDIR)$(MANDIR)/man$${m##*.}/; done
	for f in conf/*; do \
	    install -m 644 "$$f" $(DESTDIR)$(SYSCONFDIR)/dkimlens/$$(basename \
	    "$$f").sample; done
	install -m 644 $(B)/dkimlens.service $(DESTDIR)$(UNITDIR)/

# uninstall: what install wrote; your dkimlens.conf, tables and keys stay
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dkimlens-keytool \
	    $(DESTDIR)$(SBINDIR)/dkimlens-milter \
	    $(DESTDIR)$(UNITDIR)/dkimlens.service
	for m in man/*.[158]; do \
	    rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$$(basename "$$m"); done
	for f in conf/*; do \
	    rm -f $(DESTDIR)$(SYSCONFDIR)/dkimlens/$$(basename "$$f").sample; \
	    done
	-rmdir $(DESTDIR)$(SYSCONFDIR)/dkimlens 2>/dev/null

# deb: the Debian package, built by dpkg-buildpackage (debhelper) in a
# copy of the tree under build/deb, niced and with one job; the version
# in debian/changelog must be lib/version.h's.
DEB_ARCH = $(shell dpkg --print-architecture)
deb:
	@v=$$(dpkg-parsechangelog -S Version) && [ "$$v" = "$(VERSION)" ] || \
	    { echo "make deb: debian/changelog says $$v, lib/version.h" \
	    "$(VERSION)" >&2; exit 1; }
	rm -rf build/deb
	mkdir -p build/deb/dkimlens-$(VERSION)
	tar -cf - --exclude=./build --exclude='./build-*' --exclude=./.git \
	    --exclude=./.ci . | tar -xf - -C build/deb/dkimlens-$(VERSION)
	cd build/deb/dkimlens-$(VERSION) && \
	    nice dpkg-buildpackage -b -us -uc -j1 >../build.log 2>&1 || \
	    { tail -40 ../build.log >&2; exit 1; }
	cp build/deb/dkimlens_$(VERSION)_$(DEB_ARCH).deb build/
	@echo "build/dkimlens_$(VERSION)_$(DEB_ARCH).deb"

clean:
	rm -rf build build-san build-fuzz

.PHONY: all tests deps check run bench fuzz install uninstall deb clean \
	FORCE
.SECONDARY:

-include $(shell find $(B) -name '*.d' 2>/dev/null)
