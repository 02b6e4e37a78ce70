# SPDX-License-Identifier: GPL-2.0
# iotrace: bpf/*.bpf.c -> .bpf.o -> .skel.h -> user objects -> ./iotrace
OUTPUT := .output
CLANG ?= clang
BPFTOOL ?= $(shell command -v bpftool || echo /usr/sbin/bpftool)
CC ?= cc
PREFIX ?= /usr/local
ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux

# CFLAGS/LDFLAGS (added to, never replaced), SAN=1, WERROR=1 and V=1 are
# defined once for every Makefile of the project in lib/build.mk.
include lib/build.mk
INCLUDES := -I$(OUTPUT) -Iuser -Ilib -Ibpf
ALL_CFLAGS = -std=gnu11 -Wall -Wextra $(WERROR_FLAGS) $(INCLUDES) $(CFLAGS) $(SAN_FLAGS)
LDLIBS = $(shell pkg-config --libs libbpf json-c libmicrohttpd zlib) -lm -pthread
export SAN WERROR
BPF_CFLAGS := -g -O2 -Wall $(WERROR_FLAGS) -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -I$(OUTPUT) -Ibpf

# user/ holds one folder per subsystem (HACKING.md, Layout), lowest layer
# first; includes name the folder ("report/report.h"). Every .c of these
# folders is built by the one pattern rule below; main is trace/iotrace.c.
USER_DIRS := files chart collect kernel capture report compare metrics trace
USER_SRCS := $(foreach d,$(USER_DIRS),$(wildcard user/$(d)/*.c)) lib/numparse.c
USER_HDRS := $(foreach d,$(USER_DIRS),$(wildcard user/$(d)/*.h)) $(wildcard lib/*.h bpf/*.h)
USER_MAIN := user/trace/iotrace.c
USER_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(USER_SRCS))
BPF_OBJS := $(OUTPUT)/iotrace.bpf.o $(OUTPUT)/deep.bpf.o
SKELS := $(OUTPUT)/iotrace.skel.h $(OUTPUT)/deep.skel.h

.PHONY: all clean install deps test test-progs demo bench servers loadgen fuzz labs labs-kernels test-kernels
.DELETE_ON_ERROR:
.SECONDARY:

all: iotrace servers loadgen

iotrace: $(USER_OBJS)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $^ $(LDLIBS) -o $@

# vmlinux.h is generated from the running kernel's BTF: CO-RE relocates the
# field offsets at load time, so the binary still runs on other kernels.
$(OUTPUT)/vmlinux.h: | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)test -r $(VMLINUX_BTF) || { echo "iotrace: no BTF at $(VMLINUX_BTF): the kernel needs CONFIG_DEBUG_INFO_BTF=y (or set VMLINUX_BTF=FILE)" >&2; exit 1; }
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c bpf/*.h $(OUTPUT)/vmlinux.h | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(OUTPUT)/%.o: %.c $(SKELS) $(USER_HDRS) | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OUTPUT):
	$(Q)mkdir -p $@

servers:
	$(Q)$(MAKE) -s -C servers

loadgen:
	$(Q)$(MAKE) -s -C loadgen

# The oracle programs are the tests' fixed workloads, not what is under
# test: never sanitized (LeakSanitizer forks at exit, which -f would follow).
tests/bin/%: tests/progs/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p tests/bin
	$(Q)$(CC) $(filter-out $(SAN_FLAGS),$(ALL_CFLAGS)) $(LDFLAGS) -pthread $< -o $@

TEST_PROGS := $(patsubst tests/progs/%.c,tests/bin/%,$(wildcard tests/progs/*.c))

# test, demo and bench install what is missing first, then build in a
# fresh make (so pkg-config sees the libraries just installed).
test: deps
	$(Q)$(MAKE) --no-print-directory all test-progs
	tests/run

test-progs: $(TEST_PROGS)

# libFuzzer on the JSON report reader (tests/fuzz): Debian's clang with its
# fuzzer runtime (libclang-rt-dev). All user code but main, instrumented;
# new inputs go to a scratch corpus, the committed seeds stay as they are.
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_OBJS := $(patsubst %.c,$(OUTPUT)/fuzz/%.o,$(filter-out $(USER_MAIN),$(USER_SRCS)))

$(OUTPUT)/fuzz/%.o: %.c $(SKELS) $(USER_HDRS) | $(OUTPUT)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) -std=gnu11 -g -O1 $(INCLUDES) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@

tests/bin/fuzz_report: tests/fuzz/fuzz_report.c $(FUZZ_OBJS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p tests/bin
	$(Q)$(CLANG) -std=gnu11 -g -O1 $(INCLUDES) $(FUZZ_SAN) -fsanitize=fuzzer $^ $(LDLIBS) -o $@

fuzz: deps
	$(Q)$(MAKE) --no-print-directory tests/bin/fuzz_report
	$(Q)rm -rf $(OUTPUT)/fuzz/corpus && mkdir -p $(OUTPUT)/fuzz/corpus
	@echo "fuzz: report reader for $(FUZZ_SECONDS) s (log: $(OUTPUT)/fuzz/log)"
	$(Q)tests/bin/fuzz_report -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -dict=tests/fuzz/report.dict \
		-artifact_prefix=$(OUTPUT)/fuzz/ $(OUTPUT)/fuzz/corpus tests/fuzz/corpus/report \
		> $(OUTPUT)/fuzz/log 2>&1 || { tail -40 $(OUTPUT)/fuzz/log; exit 1; }
	@grep -E '^(Done|stat::new_units_added)' $(OUTPUT)/fuzz/log | sed 's/^/fuzz: /'

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	demo/run

bench:
	scripts/install-deps --bench
	$(Q)$(MAKE) --no-print-directory all test-progs
	bench/run

# Every lab in quick mode, then one table of claims and verdicts.
labs: deps
	$(Q)$(MAKE) --no-print-directory all test-progs
	labs/run --all --quick

# Every lab in quick mode in Debian's kernels under qemu (tests/kernels/) and
# on this machine: doc/claims-by-kernel.md, the claims' verdicts by kernel.
# KERNELS=6.1,host picks some.
labs-kernels:
	$(Q)scripts/install-deps --kernels
	$(Q)$(MAKE) --no-print-directory all test-progs
	tests/kernels/labs $(if $(KERNELS),--only $(KERNELS))

# Debian's own kernels (5.10, 6.1, 6.12, sid) under qemu, and this machine's:
# the load check and the oracles in each (tests/kernels/). KERNELS=6.1,host
# picks some; KERNELS_MD=FILE also writes the table as markdown.
test-kernels:
	$(Q)scripts/install-deps --kernels
	$(Q)$(MAKE) --no-print-directory all test-progs
	tests/kernels/matrix $(if $(KERNELS),--only $(KERNELS)) $(if $(KERNELS_MD),--markdown $(KERNELS_MD))

deps:
	$(Q)scripts/install-deps

install: iotrace
	install -D -m 0755 iotrace $(DESTDIR)$(PREFIX)/sbin/iotrace
	install -D -m 0644 doc/iotrace.8 $(DESTDIR)$(PREFIX)/share/man/man8/iotrace.8

clean:
	$(call msg,CLEAN)
	$(Q)rm -rf $(OUTPUT) iotrace tests/bin
	$(Q)$(MAKE) -s -C servers clean 2>/dev/null || true
	$(Q)$(MAKE) -s -C loadgen clean 2>/dev/null || true

# libFuzzer on the capture reader (iotrace -r, tests/fuzz/fuzz_capture.c):
# all user code but main, instrumented; the committed corpus stays as is.
CAP_FUZZ_SECONDS ?= 60
CAP_FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
CAP_FUZZ_OBJS := $(patsubst %.c,$(OUTPUT)/fuzzcap/%.o,$(filter-out $(USER_MAIN),$(USER_SRCS)))

$(OUTPUT)/fuzzcap/%.o: %.c $(SKELS) $(USER_HDRS) | $(OUTPUT)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) -std=gnu11 -g -O1 $(INCLUDES) $(CAP_FUZZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@

tests/bin/fuzz_capture: tests/fuzz/fuzz_capture.c $(CAP_FUZZ_OBJS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p tests/bin
	$(Q)$(CLANG) -std=gnu11 -g -O1 $(INCLUDES) $(CAP_FUZZ_SAN) -fsanitize=fuzzer $^ $(LDLIBS) -o $@

.PHONY: fuzz-capture
fuzz-capture: tests/bin/fuzz_capture
	$(Q)rm -rf $(OUTPUT)/fuzzcap/corpus && mkdir -p $(OUTPUT)/fuzzcap/corpus
	@echo "fuzz: capture reader for $(CAP_FUZZ_SECONDS) s (log: $(OUTPUT)/fuzzcap/log)"
	$(Q)tests/bin/fuzz_capture -max_total_time=$(CAP_FUZZ_SECONDS) -max_len=65536 -timeout=10 -close_fd_mask=2 \
		-rss_limit_mb=2048 -print_final_stats=1 -dict=tests/fuzz/capture.dict \
		-artifact_prefix=$(OUTPUT)/fuzzcap/ $(OUTPUT)/fuzzcap/corpus tests/fuzz/corpus/capture \
		> $(OUTPUT)/fuzzcap/log 2>&1 || { tail -40 $(OUTPUT)/fuzzcap/log; exit 1; }
	@grep -E '^(Done|stat::new_units_added)' $(OUTPUT)/fuzzcap/log | sed 's/^/fuzz: /'
