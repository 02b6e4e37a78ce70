// SPDX-License-Identifier: GPL-2.0
/*
 * From input to answers: conn_process() hands the unanswered input to the
 * connection's protocol (proto_echo.c, proto_http.c) one request at a time,
 * within the bounds of conn.h.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "proto.h"
#include "server.h"

bool out_append(struct conn *c, const char *p, size_t n, bool upper)
{
	char *dst;

	if (!buf_reserve(&c->out, n))
		return false;
	dst = c->out.data + c->out.len;
	if (upper) {
		for (size_t i = 0; i < n; i++)
			dst[i] = p[i] >= 'a' && p[i] <= 'z' ? p[i] - 'a' + 'A' : p[i];
	} else {
		memcpy(dst, p, n);
	}
	c->out.len += n;
	return true;
}

void count_request(struct conn *c)
{
	c->requests++;
	atomic_fetch_add_explicit(&stat_requests, 1, memory_order_relaxed);
}

void slow_handler(void)
{
	struct timespec left = { opt.slow_ms / 1000, opt.slow_ms % 1000 * 1000000L };
	int saved = errno;

	/* A stop signal ends the sleep early (EINTR), so the server exits at once. */
	while (nanosleep(&left, &left) && errno == EINTR && !stop)
		;
	errno = saved;
}

void conn_process(struct conn *c)
{
	/* io_uring may be sending from out: answers wait until that completes. */
	while (!c->out_busy && !c->closing && buf_pending(&c->out) < OUT_HIGH &&
	       buf_pending(&c->in)) {
		const char *p = c->in.data + c->in.off;
		size_t n = buf_pending(&c->in);
		size_t used = opt.proto == PROTO_ECHO ? echo_answer(c, p, n) : http_answer(c, p, n);

		if (!used)
			break;
		c->in.off += used;
	}
	if (c->eof && !buf_pending(&c->in))
		c->closing = true;
}
