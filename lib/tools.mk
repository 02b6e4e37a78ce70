# SPDX-License-Identifier: GPL-2.0
#
# The build of a C tool beside iotrace (servers/, loadgen/): its own *.c
# and the ../lib objects it names in LIB_OBJS, into bin/. The including
# Makefile sets LIB_OBJS and its rules for bin/; `all` stays its first goal.

include ../lib/build.mk

PROJECT_CFLAGS := -std=gnu11 -Wall -Wextra -D_GNU_SOURCE -pthread -I../lib
ALL_CFLAGS = $(PROJECT_CFLAGS) $(WERROR_FLAGS) $(CFLAGS) $(SAN_FLAGS)
LDLIBS += -pthread

OUT := bin
OBJ := $(OUT)/.obj
HEADERS := $(wildcard *.h ../lib/*.h)

.DEFAULT_GOAL := all
.SECONDARY:
.PHONY: all clean

$(OUT) $(OBJ) $(OBJ)/lib:
	$(Q)mkdir -p $@

$(OBJ)/lib/%.o: ../lib/%.c $(HEADERS) | $(OBJ)/lib
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OBJ)/%.o: %.c $(HEADERS) | $(OBJ)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

clean:
	$(call msg,CLEAN,$(OUT))
	$(Q)rm -rf $(OUT)
