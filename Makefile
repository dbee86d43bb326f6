# netctl — one non-recursive Makefile.
#   make                 build plugins, netctl and unit tests into $(BUILD)
#   make check           unit tests, then integration tests in a sandbox
#   make demo            the README's demo (throwaway network namespace)
#   make install PREFIX=/usr/local   plugins to $(PREFIX)/lib/netctl/cni
#   make DEVELOPER=1     warnings are errors
#   make SAN=1           ASan + UBSan build in build/san
#   make check-layers    prove that includes only point down the layers

CC      ?= gcc
PREFIX  ?= /usr/local
PKGS    := libmnl libnftnl libnl-3.0 libnl-route-3.0 jansson libcap

ifeq ($(LIBFUZZER),1)
CC      := clang
BUILD   ?= build/libfuzzer
SANFLAGS := -fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer
else ifeq ($(SAN),1)
BUILD   ?= build/san
SANFLAGS := -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined,float-cast-overflow
else
BUILD   ?= build
SANFLAGS :=
endif

WARN    := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wformat=2 -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-missing-field-initializers
ifeq ($(DEVELOPER),1)
WARN    += -Werror
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE -I. $(PKG_CFLAGS) $(WARN) $(SANFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS := $(SANFLAGS) -Wl,--as-needed $(LDFLAGS)
LIBS    := $(PKG_LIBS)

# The layers below the programs go into one archive; programs pull only what they use.
LIB_DIRS := util cni netlib nft ruleset ipam policy
LIB_SRCS := $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIBNETCTL := $(BUILD)/libnetctl.a

PLUGINS     := $(notdir $(patsubst %/,%,$(dir $(wildcard plugins/*/main.c))))
PLUGIN_BINS := $(PLUGINS:%=$(BUILD)/bin/%)
# netctl/core/: the libcni-like runtime (chains, cache, attachments, run records), a
# library the commands and the tests link; netctl/cli/: main and the commands.
CORE_SRCS   := $(wildcard netctl/core/*.c)
LIBCORE     := $(BUILD)/libnetctl-core.a
NETCTL_SRCS := $(wildcard netctl/cli/*.c)
NETCTL_BIN  := $(if $(wildcard netctl/cli/main.c),$(BUILD)/bin/netctl)

# Everything but main.c also goes into an archive per program, so unit tests can link
# a program's logic: $(BUILD)/prog/lib<name>.a.
PROG_ARCHIVES := $(PLUGINS:%=$(BUILD)/prog/lib%.a) $(if $(NETCTL_SRCS),$(BUILD)/prog/libnetctl-cli.a) \
		 $(LIBCORE)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_HELPERS := $(filter-out $(UNIT_SRCS),$(wildcard tests/unit/*.c))

# Fuzz targets: tests/fuzz/fuzz_<name>.c. Normally linked with a replay main (corpus
# replay, run by `make check` under SAN=1); with LIBFUZZER=1 (`make fuzz`) by libFuzzer.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
ifeq ($(LIBFUZZER),1)
FUZZ_MAIN :=
FUZZ_LINK := -fsanitize=fuzzer
else
FUZZ_MAIN := $(BUILD)/obj/tests/fuzz/replay_main.o
FUZZ_LINK :=
endif
FUZZ_SECONDS ?= 60

ALL_SRCS := $(LIB_SRCS) $(wildcard plugins/*/*.c) $(CORE_SRCS) $(NETCTL_SRCS) $(wildcard tests/unit/*.c) \
	    $(wildcard tests/fuzz/*.c)

.PHONY: all check unit integration demo install clean check-layers bench deps fuzz tools
all: $(PLUGIN_BINS) $(NETCTL_BIN) $(UNIT_BINS) $(FUZZ_BINS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBNETCTL): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# One binary per plugins/<name>/ directory: all of its .c files.
.SECONDEXPANSION:
# (No '%' inside the functions: a pattern rule would put the stem there.)
# PLUGIN_USES_<name>: other plugins' logic it links (cni_delegate_builtin()).
PLUGIN_USES_bridge := $(BUILD)/prog/libhost-local.a
$(BUILD)/bin/%: $$(addprefix $(BUILD)/obj/,$$(addsuffix .o,$$(basename $$(wildcard plugins/$$*/*.c)))) $$(PLUGIN_USES_$$*) $(LIBNETCTL)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(PLUGIN_USES_$*) $(LIBNETCTL) $(LIBS)

$(LIBCORE): $(CORE_SRCS:%.c=$(BUILD)/obj/%.o)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/bin/netctl: $(NETCTL_SRCS:%.c=$(BUILD)/obj/%.o) $(LIBCORE) $(LIBNETCTL)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIBCORE) $(LIBNETCTL) $(LIBS)

$(BUILD)/prog/libnetctl-cli.a: $(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out netctl/cli/main.c,$(NETCTL_SRCS)))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/prog/lib%.a: $$(addprefix $(BUILD)/obj/,$$(addsuffix .o,$$(basename $$(filter-out plugins/$$*/main.c,$$(wildcard plugins/$$*/*.c)))))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(UNIT_HELPERS:%.c=$(BUILD)/obj/%.o) $(PROG_ARCHIVES) $(LIBNETCTL)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(PROG_ARCHIVES) $(LIBNETCTL) $(LIBS) -lcmocka

$(BUILD)/fuzz/%: $(BUILD)/obj/tests/fuzz/%.o $(FUZZ_MAIN) $(PROG_ARCHIVES) $(LIBNETCTL)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) $(FUZZ_LINK) -o $@ $(filter %.o,$^) $(PROG_ARCHIVES) $(LIBNETCTL) $(LIBS)

# Each target for FUZZ_SECONDS on a scratch copy of its corpus; new finds are kept
# in build/libfuzzer/corpus-<name> for review (add the interesting ones to the corpus).
fuzz:
	$(MAKE) LIBFUZZER=1 $(FUZZ_SRCS:tests/fuzz/%.c=build/libfuzzer/fuzz/%)
	@for t in $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%); do \
		mkdir -p build/libfuzzer/corpus-$$t && \
		cp -n tests/fuzz/corpus/$$t/* build/libfuzzer/corpus-$$t/ 2>/dev/null; \
		echo "== fuzz $$t for $(FUZZ_SECONDS)s"; \
		build/libfuzzer/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			-artifact_prefix=build/libfuzzer/crash-$$t- build/libfuzzer/corpus-$$t || exit 1; \
	done

# The real libcni clients tests/integration/real-*.sh drive: build/tools/cnitool and
# libcni-check, built offline from Debian's golang-github-appc-cni (scripts/deps.sh).
tools:
	scripts/build-cnitool.sh

check: all tools
	BUILD=$(BUILD) tests/run.sh

unit: all
	BUILD=$(BUILD) tests/run.sh --unit-only

integration: all tools
	BUILD=$(BUILD) tests/run.sh --integration-only

demo: all
	BUILD=$(BUILD) scripts/demo-run.sh

bench: all
	BUILD=$(BUILD) bench/run.sh

install: $(PLUGIN_BINS) $(NETCTL_BIN)
	install -d $(DESTDIR)$(PREFIX)/lib/netctl/cni $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(PLUGIN_BINS) $(DESTDIR)$(PREFIX)/lib/netctl/cni/
	$(if $(NETCTL_BIN),install -m 0755 $(NETCTL_BIN) $(DESTDIR)$(PREFIX)/bin/)
	install -d $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0644 doc/netctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/

# Lower layers must never include a higher layer's headers (DESIGN.md).
check-layers:
	@scripts/check-layers.sh

clean:
	rm -rf build

-include $(ALL_SRCS:%.c=$(BUILD)/obj/%.d)
