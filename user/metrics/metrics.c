// SPDX-License-Identifier: GPL-2.0
/*
 * The /metrics endpoint. libmicrohttpd runs it in one thread of its own,
 * so a slow scraper never delays the tracing loop; each scrape takes its
 * own snapshot of the maps (the kernel keeps counting meanwhile).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <microhttpd.h>
#include "numparse.h"
#include "collect/snapshot.h"
#include "collect/wake_cache.h"
#include "metrics/metrics.h"

#define CT_TEXT		"text/plain; version=0.0.4; charset=utf-8"
#define CT_OPENMETRICS	"application/openmetrics-text; version=1.0.0; charset=utf-8"

struct metrics {
	struct MHD_Daemon *daemon;
	struct metrics_conf conf;
	struct iotrace_bpf *skel;
	struct wake_cache *wakes;
	pthread_mutex_t lock;		/* one scrape at a time: the wake cache is shared */
	unsigned long ok, failed;
	int listen_fd;
};

int metrics_parse_addr(const char *arg, struct sockaddr_in *out)
{
	char host[64] = "127.0.0.1";
	const char *colon = strrchr(arg, ':'), *port = colon ? colon + 1 : arg;
	long p;

	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	if (colon && colon != arg) {
		if ((size_t)(colon - arg) < sizeof(host)) {
			memcpy(host, arg, colon - arg);
			host[colon - arg] = '\0';
		} else {
			host[0] = '\0';
		}
	}
	if (inet_pton(AF_INET, host, &out->sin_addr) != 1) {
		fprintf(stderr, "iotrace: invalid --metrics address '%s': expected "
			"[IPv4 ADDRESS:]PORT, e.g. 127.0.0.1:9464\n", arg);
		return -1;
	}
	if (!parse_long("iotrace", "--metrics port", port, 1, 65535, &p))
		return -1;
	out->sin_port = htons(p);
	return 0;
}

/* The scraper's Accept header decides the format, as Prometheus negotiates it. */
static bool wants_openmetrics(struct MHD_Connection *conn)
{
	const char *accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept");

	return accept && strstr(accept, "application/openmetrics-text");
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status, char *body,
			     size_t len, const char *type)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result plain(struct MHD_Connection *conn, unsigned int status, const char *msg)
{
	return reply(conn, status, strdup(msg), strlen(msg), "text/plain; charset=utf-8");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_size, void **state)
{
	struct metrics *m = cls;
	bool om = wants_openmetrics(conn);
	struct snapshot snap = {};
	char *body = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	(void)version; (void)upload; (void)upload_size; (void)state;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return plain(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n");
	if (strcmp(url, "/metrics"))
		return plain(conn, MHD_HTTP_NOT_FOUND, "iotrace: the metrics are at /metrics\n");

	pthread_mutex_lock(&m->lock);
	f = open_memstream(&body, &len);
	err = !f || snapshot_take(&snap, m->skel, false);
	if (!err)
		err = metrics_write(f, &snap, &m->conf, m->wakes, m->skel, om);
	if (f && fclose(f))
		err = 1;
	snapshot_free(&snap);
	if (err)
		m->failed++;
	else
		m->ok++;
	pthread_mutex_unlock(&m->lock);
	if (err) {
		free(body);
		return plain(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "iotrace: failed to read the BPF maps\n");
	}
	return reply(conn, MHD_HTTP_OK, body, len, om ? CT_OPENMETRICS : CT_TEXT);
}

/* Bind here, not in libmicrohttpd, to say exactly why a port cannot be had. */
static int bind_listener(const struct sockaddr_in *addr)
{
	char host[INET_ADDRSTRLEN];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1, err;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (!bind(fd, (const struct sockaddr *)addr, sizeof(*addr)) && !listen(fd, 64))
		return fd;
	err = errno;
	inet_ntop(AF_INET, &addr->sin_addr, host, sizeof(host));
	fprintf(stderr, "iotrace: failed to listen on %s:%u for --metrics: %s\n", host,
		ntohs(addr->sin_port), strerror(err));
	close(fd);
	return -1;
}

struct metrics *metrics_start(const struct metrics_conf *conf, struct iotrace_bpf *skel)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m) {
		fprintf(stderr, "iotrace: failed to start --metrics: %s\n", strerror(ENOMEM));
		return NULL;
	}
	m->listen_fd = -1;
	pthread_mutex_init(&m->lock, NULL);
	m->wakes = wake_cache_new();
	if (!m->wakes) {
		fprintf(stderr, "iotrace: failed to start --metrics: %s\n", strerror(ENOMEM));
		goto fail;
	}
	m->conf = *conf;
	m->skel = skel;
	m->listen_fd = bind_listener(&conf->addr);
	if (m->listen_fd < 0)
		goto fail;
	m->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL,
				     on_request, m, MHD_OPTION_LISTEN_SOCKET, m->listen_fd,
				     MHD_OPTION_CONNECTION_LIMIT, 64,
				     MHD_OPTION_CONNECTION_TIMEOUT, 10, MHD_OPTION_END);
	if (!m->daemon) {
		fprintf(stderr, "iotrace: failed to start the --metrics HTTP server\n");
		goto fail;
	}
	m->listen_fd = -1;	/* the daemon owns it now and closes it when stopped */
	return m;
fail:
	metrics_stop(m);
	return NULL;
}

void metrics_counts(const struct metrics *m, unsigned long *ok, unsigned long *failed)
{
	*ok = m ? m->ok : 0;
	*failed = m ? m->failed : 0;
}

void metrics_stop(struct metrics *m)
{
	if (!m)
		return;
	if (m->daemon)
		MHD_stop_daemon(m->daemon);	/* joins its thread */
	if (m->listen_fd >= 0)
		close(m->listen_fd);
	wake_cache_free(m->wakes);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
