/* SPDX-License-Identifier: GPL-2.0 */
/* Length-checked reads from one record's payload (capture_read.c, capture_snap.c). */
#ifndef IOTRACE_CAPTURE_CUR_H
#define IOTRACE_CAPTURE_CUR_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>

struct cur {
	const unsigned char *p;
	size_t n, off;
	bool bad;		/* a read went past the end: the record is corrupt */
};

static inline bool cur_get(struct cur *c, void *out, size_t n)
{
	if (c->bad || n > c->n - c->off) {
		c->bad = true;
		memset(out, 0, n);
		return false;
	}
	memcpy(out, c->p + c->off, n);
	c->off += n;
	return true;
}

static inline __u32 cur_u32(struct cur *c)
{
	__u32 v;

	cur_get(c, &v, sizeof(v));
	return v;
}

static inline __u64 cur_u64(struct cur *c)
{
	__u64 v;

	cur_get(c, &v, sizeof(v));
	return v;
}

static inline size_t cur_left(const struct cur *c)
{
	return c->bad ? 0 : c->n - c->off;
}

/* A count of rows each at least row_min bytes long: more than fit is corrupt */
static inline __u32 cur_count(struct cur *c, size_t row_min)
{
	__u32 n = cur_u32(c);

	if (!c->bad && (size_t)n > cur_left(c) / row_min)
		c->bad = true;
	return c->bad ? 0 : n;
}

/* A tag {u16 tag, u32 len, bytes}: false at the end or when it overruns */
static inline bool cur_tag(struct cur *c, __u16 *tag, struct cur *val)
{
	__u32 len;

	if (c->bad || cur_left(c) == 0)
		return false;
	cur_get(c, tag, sizeof(*tag));
	len = cur_u32(c);
	if (c->bad || len > cur_left(c)) {
		c->bad = true;
		return false;
	}
	*val = (struct cur){ .p = c->p + c->off, .n = len };
	c->off += len;
	return true;
}

/* A tag's value as a string into buf (cut to fit) */
static inline void cur_str(const struct cur *v, char *buf, size_t size)
{
	size_t n = v->n < size - 1 ? v->n : size - 1;

	memcpy(buf, v->p, n);
	buf[n] = '\0';
}

static inline __u64 cur_val_u64(struct cur *v)
{
	__u64 x = 0;

	if (v->n == sizeof(x))
		memcpy(&x, v->p, sizeof(x));
	else
		v->bad = true;
	return x;
}

#endif
