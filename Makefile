# dkimlens - one non-recursive GNU Makefile (see ../shared/STYLE.md section 8)
#
#   make            build/libdkimlens.a, build/dkimlens-keytool, build/dkimlens-milter
#   make check      install missing packages, build, run every suite (plus ASan/UBSan)
#   make run        build and run the milter in the foreground with conf/dkimlens.conf
#   make bench      milter-protocol load benchmark against OpenDKIM
#   make install    PREFIX=/usr/local DESTDIR=
#   make SAN=1      sanitizer build in build-san/

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= $(PREFIX)/etc
DESTDIR ?=

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
ALL_CPPFLAGS = -I. $(shell $(PKG_CONFIG) --cflags libcrypto ldns libpsl 2>/dev/null) \
	$(CPPFLAGS)
LIBS = $(shell $(PKG_CONFIG) --libs libcrypto ldns libpsl 2>/dev/null || \
	echo -lcrypto -lldns -lpsl) -pthread
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
# "tests/unit/fake_dns.h" links tests/unit/fake_dns.c in place of lib/dns.c
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
	tests/interop/*.c tests/e2e/*.c tests/keytool/*.c \
	tests/daemon/*.c))
SUITE_BIN := $(SUITE_SRC:%.c=$(B)/%)
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
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_A) $(LIBS)

# Every public header compiles alone.
$(B)/hdrcheck/%.o: lib/%.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -x c -c -o $@ $<

tests: $(UNIT_BIN) $(FUZZ_BIN) $(SUITE_BIN) $(HDR_CHECK)

deps:
	sh contrib/install-deps.sh

# check: the README's test command.  Installs what is missing, builds
# the normal and the sanitizer trees, runs every suite, prints the summary.
check: deps
	$(MAKE) all tests
	$(MAKE) SAN=1 all tests
	sh tests/run.sh

# run: the sample configuration and tables, unchanged, with example keys
# made on first use in $(B)/run/keys (mode 600 in a 700 directory).
run: deps all
	@mkdir -p $(B)/run/keys && chmod 700 $(B)/run/keys
	cp conf/dkimlens.conf conf/key.table conf/signing.table $(B)/run/
	@[ -f $(B)/run/keys/example.com.rsa.pem ] || (umask 077 && openssl \
	    genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	    -out $(B)/run/keys/example.com.rsa.pem)
	@[ -f $(B)/run/keys/example.com.ed25519.pem ] || (umask 077 && \
	    openssl genpkey -quiet -algorithm ED25519 \
	    -out $(B)/run/keys/example.com.ed25519.pem)
	$(MILTER) -f -c $(B)/run/dkimlens.conf

$(B)/milter/main.o: ALL_CPPFLAGS += -DSYSCONFDIR='"$(SYSCONFDIR)"'

bench: deps all $(BENCH_BIN)
	BENCH_BUILD=$(B) sh tests/bench/run.sh

fuzz:
	$(MAKE) B=build-fuzz CC=clang \
	    CFLAGS='-O1 -g -fsanitize=fuzzer-no-link,address,undefined \
	    -Wno-unknown-warning-option' all
	sh tests/fuzz/libfuzzer.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSCONFDIR)/dkimlens
	install -m 755 $(KEYTOOL) $(DESTDIR)$(BINDIR)/dkimlens-keytool
	install -m 755 $(MILTER) $(DESTDIR)$(SBINDIR)/dkimlens-milter
	for m in man/*.[158]; do \
	    [ -f "$$m" ] || continue; \
	    install -m 644 "$$m" $(DESTDIR)$(MANDIR)/man$${m##*.}/; done
	for f in conf/*; do \
	    install -m 644 "$$f" $(DESTDIR)$(SYSCONFDIR)/dkimlens/$$(basename \
	    "$$f").sample; done

clean:
	rm -rf build build-san build-fuzz

.PHONY: all tests deps check run bench fuzz install clean
.SECONDARY:

-include $(shell find $(B) -name '*.d' 2>/dev/null)
