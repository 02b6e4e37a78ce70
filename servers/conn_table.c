// SPDX-License-Identifier: GPL-2.0
/* The table of live connections, indexed by fd: create, close, close all. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "server.h"

struct conn **conn_table;
int conn_table_size;
/* Taken around conn_table updates: the blocking server changes it from many threads. */
static pthread_mutex_t conn_table_lock = PTHREAD_MUTEX_INITIALIZER;

struct conn *conn_new(int fd, size_t size)
{
	struct conn *c;

	if (fd >= conn_table_size || size < sizeof(*c) || !(c = calloc(1, size))) {
		logmsg("fd %d: cannot track this connection, closing it", fd);
		close(fd);
		atomic_fetch_add(&stat_refused, 1);
		return NULL;
	}
	c->fd = fd;
	pthread_mutex_lock(&conn_table_lock);
	conn_table[fd] = c;
	pthread_mutex_unlock(&conn_table_lock);
	atomic_fetch_add(&stat_conns, 1);
	if (opt.verbose) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);

		if (!getpeername(fd, (struct sockaddr *)&peer, &len))
			logmsg("fd %d: connection from 127.0.0.1:%d", fd, ntohs(peer.sin_port));
	}
	return c;
}

void conn_close(struct conn *c)
{
	if (opt.verbose)
		logmsg("fd %d: closed after %lu requests", c->fd, c->requests);
	/* Unregister before close(): the fd number may be reused at once. */
	pthread_mutex_lock(&conn_table_lock);
	conn_table[c->fd] = NULL;
	pthread_mutex_unlock(&conn_table_lock);
	close(c->fd);
	free(c->in.data);
	free(c->out.data);
	free(c);
}

void conns_close_all(void)
{
	for (int fd = 0; fd < conn_table_size; fd++)
		if (conn_table[fd])
			conn_close(conn_table[fd]);
}

void conns_shutdown_all(void)
{
	pthread_mutex_lock(&conn_table_lock);
	for (int fd = 0; fd < conn_table_size; fd++)
		if (conn_table[fd])
			shutdown(fd, SHUT_RDWR);
	pthread_mutex_unlock(&conn_table_lock);
}
