// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle workload: a known mix of IO on every kind of file, after
 * wait_for_go() (every fd is opened before). Each call's return value is
 * checked against the plan; the last line is the tally as JSON:
 * {"ok": true, "tally_bytes": N} (N: this line's own write, to stdout).
 *
 *   socket (AF_UNIX stream pair, one end non-blocking)
 *     write 3 x 10 B, read 3 x 10 B, read -> EAGAIN
 *     sendto 2 x 5 B, recvfrom 2 x 5 B, sendmsg 7 B, recvmsg 7 B,
 *     writev 4+4 B, readv 8 B
 *     sendfile 200 B from the file, read 200 B
 *   file (a temporary regular file)
 *     write 2 x 100 B, read at EOF -> 0, pread64 3 x 50 B
 *   pipe    write 6 B, read 6 B; splice 50 B file -> pipe, read 50 B;
 *           and the tally line, written to stdout (a pipe under the test)
 *   eventfd write 2 x 8 B, read 8 B
 *   other   write 4 B to /dev/null
 *   accept  accept4 of a connection made before (TCP, loopback), then
 *           accept -> EAGAIN
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "oracle.h"

static int failed;

static void expect(const char *what, long got, long want)
{
	if (got != want) {
		fprintf(stderr, "io_kinds: %s returned %ld, planned %ld\n", what, got, want);
		failed = 1;
	}
}

static void socket_io(int a, int b, int file)
{
	char buf[256] = "0123456789", in[256];
	struct iovec iov[2] = { { buf, 4 }, { buf + 4, 4 } }, riov = { in, 8 };
	struct msghdr msg = { .msg_iov = &(struct iovec){ buf, 7 }, .msg_iovlen = 1 };
	struct msghdr rmsg = { .msg_iov = &(struct iovec){ in, 7 }, .msg_iovlen = 1 };
	off_t off = 0;
	int i;

	for (i = 0; i < 3; i++) {
		expect("write(socket)", write(b, buf, 10), 10);
		expect("read(socket)", read(a, in, 10), 10);
	}
	expect("read(empty socket)", read(a, in, 10), -1);
	for (i = 0; i < 2; i++) {
		expect("sendto", sendto(b, buf, 5, 0, NULL, 0), 5);
		expect("recvfrom", recvfrom(a, in, 5, 0, NULL, NULL), 5);
	}
	expect("sendmsg", sendmsg(b, &msg, 0), 7);
	expect("recvmsg", recvmsg(a, &rmsg, 0), 7);
	expect("writev", writev(b, iov, 2), 8);
	expect("readv", readv(a, &riov, 1), 8);
	expect("sendfile", sendfile(b, file, &off, 200), 200);
	expect("read(sendfile's)", read(a, in, 200), 200);
}

int main(void)
{
	char buf[200], line[64];
	int sv[2], p[2], file, efd, null, lfd, cfd, afd, n;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	char tmpl[] = "/tmp/io_kinds.XXXXXX";
	unsigned long long one = 1;
	loff_t off = 0;

	memset(buf, 'x', sizeof(buf));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(p))
		return 1;
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	file = mkstemp(tmpl);
	efd = eventfd(0, 0);
	null = open("/dev/null", O_WRONLY);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (file < 0 || efd < 0 || null < 0 || lfd < 0 || cfd < 0 ||
	    bind(lfd, (void *)&sa, sizeof(sa)) || listen(lfd, 4) ||
	    getsockname(lfd, (void *)&sa, &len) || connect(cfd, (void *)&sa, sizeof(sa)))
		return 1;
	unlink(tmpl);

	wait_for_go();
	expect("write(file)", write(file, buf, 100), 100);
	expect("write(file)", write(file, buf, 100), 100);
	expect("read(file at EOF)", read(file, buf, 10), 0);
	for (n = 0; n < 3; n++)
		expect("pread64", pread(file, buf, 50, n * 50), 50);
	socket_io(sv[0], sv[1], file);
	expect("write(pipe)", write(p[1], buf, 6), 6);
	expect("read(pipe)", read(p[0], buf, 6), 6);
	expect("splice", splice(file, &off, p[1], NULL, 50, 0), 50);
	expect("read(pipe)", read(p[0], buf, 50), 50);
	expect("write(eventfd)", write(efd, &one, 8), 8);
	expect("write(eventfd)", write(efd, &one, 8), 8);
	expect("read(eventfd)", read(efd, &one, 8), 8);
	expect("write(/dev/null)", write(null, buf, 4), 4);
	afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	expect("accept4", afd >= 0, 1);
	expect("accept(none pending)", accept(lfd, NULL, NULL), -1);
	/* the tally's own write: a fixed width, so the line knows its length */
	n = snprintf(line, sizeof(line), "{\"ok\": %s, \"tally_bytes\": %2d}\n",
		     failed ? "false" : "true", 0);
	snprintf(line, sizeof(line), "{\"ok\": %s, \"tally_bytes\": %2d}\n",
		 failed ? "false" : "true", n);
	expect("write(tally)", write(1, line, n), n);
	return failed;
}
