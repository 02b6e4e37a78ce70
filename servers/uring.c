// SPDX-License-Identifier: GPL-2.0
/*
 * uring: asynchronous IO with io_uring (liburing): accept, recv and send
 * are submitted as operations and their results come back as completions.
 *
 * The model: Stevens' fifth model, "asynchronous IO" (UNP vol. 1, Figure
 * 6.5), as Linux does it today. The server never asks "is this socket
 * ready?". It hands the kernel a request ("receive into this buffer") and
 * the kernel does both phases, waiting for data and copying it into the
 * buffer, then posts a completion. The server's only wait is for the next
 * completion, which reports work already done.
 *
 * Each connection keeps one recv in flight while it wants input and one send
 * in flight while it has output; one accept is always in flight on the
 * listening socket.
 *
 * Claims it demonstrates:
 *   M9      the completion says how many bytes are already in the buffer: no
 *           read() follows it, and no syscall is spent on a socket that is
 *           not ready. Many operations go to the kernel in one
 *           io_uring_enter() (io_uring_submit_and_wait).
 *   M1      both phases still happen, inside the kernel (for sockets,
 *           io_uring waits with an internal poll and then copies).
 *   M10     asynchronous IO, but one thread handles the completions: with
 *           --slow-ms a SLOW request puts it to sleep, and every other
 *           client waits as long.
 *
 * Quirks:
 *   - A buffer belongs to the kernel while its operation is in flight:
 *     the input buffer only moves in conn_in_space(), called only when no
 *     recv is in flight, and no answer is added to the output queue while a
 *     send is in flight (conn.out_busy).
 *   - To close a connection with a recv still in flight, the socket is shut
 *     down first: the recv completes with 0, then the fd is closed.
 *   - If the kernel refuses io_uring (kernel.io_uring_disabled, seccomp, an
 *     old kernel), the server says so in one line and exits with status 1.
 */
#include <errno.h>
#include <liburing.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conn.h"
#include "server.h"

#define RING_ENTRIES	1024

enum op { OP_ACCEPT, OP_RECV, OP_SEND };	/* in the low bits of user_data */

struct uconn {
	struct conn c;
	bool recv_busy;		/* a recv is in flight into c.in */
	bool broken;		/* an operation failed: close once nothing is in flight */
};

static struct io_uring ring;
static long inflight;		/* operations submitted and not completed */

static const char doc[] =
	"uring: asynchronous IO with io_uring: accept, recv and send as operations.\v"
	"EXAMPLES:\n"
	"  uring -p 0                  # echo on an ephemeral port\n"
	"  uring -p 0 --slow-ms 200    # a SLOW line stalls every client (M10)\n"
	"  uring -p 8080 --proto http  # then: wrk -c 1000 http://127.0.0.1:8080/\n";

static const struct argp argp = { NULL, NULL, NULL, doc, common_argp_children, NULL, NULL };

static struct io_uring_sqe *get_sqe(void *owner, enum op op)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

	if (!sqe) {
		/* The submission queue is full: hand it to the kernel and retry. */
		io_uring_submit(&ring);
		sqe = io_uring_get_sqe(&ring);
	}
	if (sqe) {
		io_uring_sqe_set_data64(sqe, (uintptr_t)owner | op);
		inflight++;
	}
	return sqe;
}

static void post_accept(void)
{
	struct io_uring_sqe *sqe = get_sqe(NULL, OP_ACCEPT);

	if (sqe)
		io_uring_prep_accept(sqe, listen_fd, NULL, NULL, SOCK_CLOEXEC);
}

/* Ask the kernel to receive into the free space of the input buffer. */
static bool post_recv(struct uconn *uc)
{
	size_t room;
	char *p = conn_in_space(&uc->c, &room);
	struct io_uring_sqe *sqe = p ? get_sqe(uc, OP_RECV) : NULL;

	if (!sqe)
		return false;
	io_uring_prep_recv(sqe, uc->c.fd, p, room, 0);
	uc->recv_busy = true;
	return true;
}

/* Ask the kernel to send the whole output queue. */
static bool post_send(struct uconn *uc)
{
	size_t len;
	const char *p = conn_out_data(&uc->c, &len);
	struct io_uring_sqe *sqe = get_sqe(uc, OP_SEND);

	if (!sqe)
		return false;
	io_uring_prep_send(sqe, uc->c.fd, p, len, MSG_NOSIGNAL);
	uc->c.out_busy = true;
	return true;
}

/* After a completion: start what the connection needs next, or close it. */
static void advance(struct uconn *uc)
{
	struct conn *c = &uc->c;

	if (!stop && !uc->broken && !conn_done(c)) {
		if (!c->out_busy && conn_want_write(c) && !post_send(uc))
			uc->broken = true;
		if (!uc->recv_busy && conn_want_read(c) && !post_recv(uc))
			uc->broken = true;
		if (!uc->broken)
			return;
	}
	if (uc->recv_busy || c->out_busy) {
		shutdown(c->fd, SHUT_RDWR);	/* the operations in flight complete at once */
		return;
	}
	conn_close(c);
}

static void complete(struct io_uring_cqe *cqe)
{
	uint64_t data = io_uring_cqe_get_data64(cqe);
	struct uconn *uc = (struct uconn *)(uintptr_t)(data & ~(uint64_t)3);
	int res = cqe->res;

	inflight--;
	switch (data & 3) {
	case OP_ACCEPT:
		if (res >= 0) {
			uc = (struct uconn *)conn_new(res, sizeof(*uc));
			if (uc)
				advance(uc);
		} else if (!stop && res != -ECONNABORTED && res != -EINTR) {
			logmsg("accept: %s", strerror(-res));
		}
		if (!stop)
			post_accept();
		return;
	case OP_RECV:
		uc->recv_busy = false;
		if (res > 0)
			conn_in_commit(&uc->c, res);	/* the data is already in the buffer */
		else if (res == 0)
			conn_in_eof(&uc->c);
		else
			uc->broken = true;		/* ECONNRESET, ECANCELED... */
		break;
	case OP_SEND:
		uc->c.out_busy = false;
		if (res > 0)
			conn_out_consume(&uc->c, res);
		else
			uc->broken = true;
		break;
	}
	advance(uc);
}

/* Handle every completion that is there; returns how many. */
static unsigned int reap(void)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;

	io_uring_for_each_cqe(&ring, head, cqe) {
		complete(cqe);
		n++;
	}
	io_uring_cq_advance(&ring, n);
	return n;
}

int main(int argc, char **argv)
{
	int err;

	opt.model = "uring";
	server_parse_args(&argp, argc, argv);

	err = io_uring_queue_init(RING_ENTRIES, &ring, 0);
	if (err < 0) {
		fprintf(stderr, "uring: failed to set up io_uring: %s (disabled by "
			"kernel.io_uring_disabled, seccomp, or not supported by this kernel)\n",
			strerror(-err));
		return 1;
	}
	server_setup(0);
	post_accept();
	server_ready();

	while (!stop) {
		err = io_uring_submit_and_wait(&ring, 1);
		if (err < 0 && err != -EINTR && err != -EAGAIN && err != -EBUSY) {
			logmsg("io_uring_submit_and_wait: %s", strerror(-err));
			break;
		}
		reap();
	}

	/* Let every operation in flight finish before the buffers are freed. */
	conns_shutdown_all();
	for (int i = 0; inflight > 0 && i < 100; i++) {
		struct __kernel_timespec ts = { .tv_nsec = 10 * 1000 * 1000 };
		struct io_uring_cqe *cqe;

		io_uring_submit(&ring);
		if (io_uring_wait_cqe_timeout(&ring, &cqe, &ts) == 0)
			reap();
	}
	io_uring_queue_exit(&ring);
	return server_exit();
}
