// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal HTTP/1.1: every GET gets the same 200 response, with
 * keep-alive and pipelining; anything else gets a 400 and a close.
 */
#include <string.h>
#include <strings.h>

#include "proto.h"
#include "server.h"

static const char http_ok[] =
	"HTTP/1.1 200 OK\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Length: 13\r\n"
	"\r\n"
	"hello, world\n";

static const char http_bad[] =
	"HTTP/1.1 400 Bad Request\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Length: 12\r\n"
	"Connection: close\r\n"
	"\r\n"
	"bad request\n";

/* Does the header block [p, p + n) hold "Connection: close"? */
static bool http_wants_close(const char *p, size_t n)
{
	static const char name[] = "\r\nconnection:";
	const char *end = p + n;

	for (; p + sizeof(name) - 1 < end; p++) {
		if (strncasecmp(p, name, sizeof(name) - 1))
			continue;
		p += sizeof(name) - 1;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		return end - p >= 5 && !strncasecmp(p, "close", 5);
	}
	return false;
}

size_t http_answer(struct conn *c, const char *p, size_t n)
{
	const char *end;

	/* Anything but a GET, or a header that never ends: 400, then close. */
	if (memcmp(p, "GET ", n < 4 ? n : 4))
		goto bad;
	end = memmem(p, n, "\r\n\r\n", 4);
	if (!end) {
		if (n >= IN_MAX)
			goto bad;
		return c->eof ? n : 0;	/* an unfinished request at EOF is dropped */
	}
	if (opt.slow_ms && n >= 10 && !memcmp(p, "GET /slow ", 10))
		slow_handler();
	if (!out_append(c, http_ok, sizeof(http_ok) - 1, false)) {
		c->closing = true;
		return n;
	}
	count_request(c);
	if (http_wants_close(p, end - p + 2))
		c->closing = true;
	return end - p + 4;
bad:
	out_append(c, http_bad, sizeof(http_bad) - 1, false);
	c->closing = true;
	return n;
}
