# SPDX-License-Identifier: GPL-2.0
#
# Build settings of every Makefile of the project (the top-level one,
# servers/, loadgen/ and bench/), included so that SAN=1, WERROR=1 and V=1 mean
# the same everywhere. CFLAGS and LDFLAGS are the user's: make CFLAGS='-O0 -g'
# adds to the project's flags, never replaces them.
#   SAN=1     AddressSanitizer and UBSan
#   WERROR=1  warnings are errors (CI)
#   V=1       show the commands

CFLAGS ?= -O2 -g
comma := ,
SAN_FLAGS := $(if $(filter 1,$(SAN)),-fsanitize=address$(comma)undefined -fno-omit-frame-pointer)
WERROR_FLAGS := $(if $(filter 1,$(WERROR)),-Werror)
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS)

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
