// SPDX-License-Identifier: GPL-2.0
/* The echo protocol: each line comes back upper-cased (see conn.h). */
#include <string.h>

#include "proto.h"
#include "server.h"

/*
 * Answer one line; without a '\n', a full buffer (IN_MAX) or the end of
 * input is answered as one piece.
 */
size_t echo_answer(struct conn *c, const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n);
	size_t k = nl ? (size_t)(nl - p) + 1 : n;

	if (!nl && n < IN_MAX && !c->eof)
		return 0;
	if (opt.slow_ms && k == 5 && !memcmp(p, "SLOW\n", 5))
		slow_handler();
	if (!out_append(c, p, k, true)) {
		c->closing = true;
		return n;
	}
	if (nl || c->eof)
		count_request(c);
	return k;
}
