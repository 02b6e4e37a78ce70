// SPDX-License-Identifier: GPL-2.0
/*
 * loadgen's requests and the check of every reply: echo replies must equal
 * the upper-cased request byte for byte; http replies must have status 200
 * and exactly Content-Length body bytes. A --slow connection sends the
 * SLOW request of its protocol instead, answered the same way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/uio.h>

#include "loadgen.h"

size_t req_len;
static char *pattern, *upattern;	/* echo: letters, and the same upper-cased */
static char *http_req;
static const char slow_echo[] = "SLOW\n";	/* its answer is itself */
static const char slow_http[] = "GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/* The bytes of c's request that are not built per request, or NULL. */
static const char *fixed_request(const struct lconn *c, size_t *len)
{
	if (c->slow) {
		*len = cfg.http ? sizeof(slow_http) - 1 : sizeof(slow_echo) - 1;
		return cfg.http ? slow_http : slow_echo;
	}
	*len = req_len;
	return cfg.http ? http_req : NULL;
}

void build_requests(void)
{
	static const char head[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n";
	static const char pad[] = "X-Pad: ";

	if (!cfg.http) {
		/* Request k is size-1 letters starting at letter k % 26, then '\n'. */
		req_len = cfg.size;
		pattern = malloc(req_len + 26);
		upattern = malloc(req_len + 26);
		if (!pattern || !upattern)
			fail("failed to allocate the requests: out of memory");
		for (size_t i = 0; i < req_len + 26; i++) {
			pattern[i] = 'a' + i % 26;
			upattern[i] = 'A' + i % 26;
		}
		return;
	}
	/* One GET, padded with an X-Pad header (at least one byte) up to --size. */
	size_t min = sizeof(head) - 1 + 2;
	size_t fixed = min + sizeof(pad) - 1 + 2;

	req_len = (size_t)cfg.size > fixed ? (size_t)cfg.size : min;
	http_req = malloc(req_len);
	if (!http_req)
		fail("failed to allocate the requests: out of memory");
	memcpy(http_req, head, sizeof(head) - 1);
	if (req_len > min) {
		char *p = http_req + sizeof(head) - 1;

		memcpy(p, pad, sizeof(pad) - 1);
		p += sizeof(pad) - 1;
		memset(p, 'a', req_len - fixed);
		memcpy(p + req_len - fixed, "\r\n", 2);
	}
	memcpy(http_req + req_len - 2, "\r\n", 2);
}

bool write_request(struct lconn *c)
{
	size_t len;
	const char *fixed = fixed_request(c, &len);

	while (c->sent < len) {
		struct iovec iov[2];
		int n = 0;
		ssize_t w;

		if (fixed) {
			iov[n++] = (struct iovec){ (char *)fixed + c->sent, len - c->sent };
		} else {
			size_t off = c->seq % 26;

			if (c->sent < req_len - 1)
				iov[n++] = (struct iovec){ pattern + off + c->sent,
							   req_len - 1 - c->sent };
			iov[n++] = (struct iovec){ "\n", 1 };
		}
		w = writev(c->fd, iov, n);
		if (w < 0) {
			if (errno == EAGAIN)
				return true;	/* the EPOLLOUT edge brings us back */
			conn_error(c, E_CLOSED, strerror(errno));
			return false;
		}
		c->sent += w;
		res.bytes_out += w;
	}
	return true;
}

/* Parse the http response header in c->hdr; returns false on a bad reply. */
static bool http_header(struct lconn *c, const char *end)
{
	const char *p = c->hdr;
	long len = -1;

	if (strncmp(p, "HTTP/1.", 7) || strncmp(p + 8, " 200", 4))
		return false;
	for (p = strstr(p, "\r\n"); p && p < end; p = strstr(p + 2, "\r\n"))
		if (!strncasecmp(p + 2, "Content-Length:", 15))
			len = strtol(p + 17, NULL, 10);
	c->body_left = len;
	return len >= 0;
}

/* Echo: compare up to n reply bytes with the request upper-cased; returns the bytes used. */
static size_t echo_reply(struct lconn *c, const char *p, size_t n)
{
	size_t off = c->seq % 26, len;
	const char *fixed = fixed_request(c, &len);
	size_t k = n < len - c->got ? n : len - c->got;

	for (size_t i = 0; i < k; i++) {
		size_t at = c->got + i;
		char want = fixed ? fixed[at] : at < len - 1 ? upattern[off + at] : '\n';

		if (p[i] != want) {
			conn_error(c, E_BAD_REPLY, "echo reply differs from the request");
			return 0;
		}
	}
	c->got += k;
	if (c->got == len)
		reply_done(c);
	return k;
}

/* HTTP: collect the header; returns the bytes used, 0 if the reply is bad. */
static size_t http_reply_header(struct lconn *c, const char *p, size_t n)
{
	size_t k = n < HDR_MAX - c->hdr_len ? n : HDR_MAX - c->hdr_len;
	char *end;

	if (!c->hdr && !(c->hdr = malloc(HDR_MAX + 1)))
		fail("out of memory");
	memcpy(c->hdr + c->hdr_len, p, k);
	c->hdr_len += k;
	c->hdr[c->hdr_len] = '\0';
	end = strstr(c->hdr, "\r\n\r\n");
	if (!end) {
		if (c->hdr_len < HDR_MAX)
			return k;
		conn_error(c, E_BAD_REPLY, "http header too long");
		return 0;
	}
	/* Give back what follows the header: it is body. */
	k -= c->hdr_len - (end + 4 - c->hdr);
	if (!http_header(c, end)) {
		conn_error(c, E_BAD_REPLY, "http status is not 200 or no length");
		return 0;
	}
	if (!c->body_left)
		reply_done(c);
	return k;
}

bool take_reply(struct lconn *c, const char *p, size_t n)
{
	while (n) {
		size_t k;

		if (c->state == DEAD)
			return false;	/* the next request could not be sent */
		if (c->state != BUSY) {
			conn_error(c, E_BAD_REPLY, "data nobody asked for");
			return false;
		}
		if (!cfg.http) {
			k = echo_reply(c, p, n);
		} else if (c->body_left < 0) {
			k = http_reply_header(c, p, n);
		} else {
			k = n < (size_t)c->body_left ? n : (size_t)c->body_left;
			c->body_left -= k;
			if (!c->body_left)
				reply_done(c);
		}
		if (!k)
			return false;
		p += k;
		n -= k;
	}
	return true;
}
