// SPDX-License-Identifier: GPL-2.0
/*
 * What a capture's snapshot rows must add up to (doc/capture-format.md,
 * Consistency): rows read from a BPF map hold each key once, so a key twice
 * is a file edited or spliced, and would count twice in every report.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "capture/capture.h"

static int cmp_err_key(const void *a, const void *b)
{
	const struct err_count *x = a, *y = b;

	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	if (x->sys != y->sys)
		return x->sys < y->sys ? -1 : 1;
	return (x->err > y->err) - (x->err < y->err);
}

static int cmp_fd_key(const void *a, const void *b)
{
	const struct fd_row *x = a, *y = b;

	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

static int cmp_epoll_key(const void *a, const void *b)
{
	const struct epoll_row *x = a, *y = b;

	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return (x->epfd > y->epfd) - (x->epfd < y->epfd);
}

/* 0: each key once; -EINVAL: one twice (c->why says so); -ENOMEM */
static int keys_once(struct capture *c, const void *rows, size_t n, size_t size,
		     int (*cmp)(const void *, const void *))
{
	char *copy;
	size_t i;
	bool twice = false;

	if (n < 2)
		return 0;
	/* a copy: the rows keep the writer's order (most re-reported first...) */
	copy = malloc(n * size);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, rows, n * size);
	sort_rows(copy, n, size, cmp);
	for (i = 1; i < n && !twice; i++)
		twice = !cmp(copy + (i - 1) * size, copy + i * size);
	free(copy);
	if (!twice)
		return 0;
	c->why = "a row twice";
	return -EINVAL;
}

int capture_check_rows(struct capture *c, __u32 type)
{
	const struct snapshot *s = &c->snap;

	switch (type) {
	case CAP_ERRS:		/* the errs map: (tid, syscall, errno) */
		return keys_once(c, s->errs, s->nerrs, sizeof(*s->errs), cmp_err_key);
	case CAP_FDS:		/* the fds map: (pid, fd) */
		return keys_once(c, s->fdrows, s->nfdrows, sizeof(*s->fdrows), cmp_fd_key);
	case CAP_EPOLLS:	/* the interest map: (pid, epoll fd) */
		return keys_once(c, s->epolls, s->nepolls, sizeof(*s->epolls), cmp_epoll_key);
	}
	return 0;
}
