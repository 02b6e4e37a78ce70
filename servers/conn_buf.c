// SPDX-License-Identifier: GPL-2.0
/*
 * A connection's two byte queues and the bounds every server keeps (see
 * conn.h): what it may read or write next, and the buffer-level API that
 * io_uring uses directly.
 */
#include <stdlib.h>
#include <string.h>

#include "conn.h"

/* Make room for need more bytes at the end, moving the data to the front first. */
bool buf_reserve(struct buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (b->cap - b->len >= need)
		return true;
	if (b->off) {
		memmove(b->data, b->data + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
		if (b->cap - b->len >= need)
			return true;
	}
	for (cap = b->cap ? b->cap : 4096; cap - b->len < need; cap *= 2)
		;
	p = realloc(b->data, cap);
	if (!p)
		return false;
	b->data = p;
	b->cap = cap;
	return true;
}

bool conn_want_read(const struct conn *c)
{
	return !c->eof && !c->closing && buf_pending(&c->out) < OUT_HIGH &&
	       buf_pending(&c->in) < IN_MAX;
}

bool conn_want_write(const struct conn *c)
{
	return buf_pending(&c->out) > 0;
}

bool conn_done(const struct conn *c)
{
	return c->closing && !buf_pending(&c->out);
}

char *conn_in_space(struct conn *c, size_t *room)
{
	size_t free_max = IN_MAX - buf_pending(&c->in);

	*room = 0;
	if (!free_max || !buf_reserve(&c->in, free_max < 4096 ? free_max : 4096))
		return NULL;
	*room = c->in.cap - c->in.len;
	if (*room > free_max)
		*room = free_max;
	return c->in.data + c->in.len;
}

void conn_in_commit(struct conn *c, size_t n)
{
	c->in.len += n;
	conn_process(c);
}

void conn_in_eof(struct conn *c)
{
	c->eof = true;
	conn_process(c);
}

const char *conn_out_data(const struct conn *c, size_t *len)
{
	*len = buf_pending(&c->out);
	return c->out.data + c->out.off;
}

void conn_out_consume(struct conn *c, size_t n)
{
	c->out.off += n;
	if (c->out.off == c->out.len)
		c->out.off = c->out.len = 0;
	/* Room in the output queue again: answer input held back by it. */
	conn_process(c);
}
