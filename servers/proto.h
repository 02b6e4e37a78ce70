/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The protocols' side of conn_process(), for proto*.c only. Each *_answer()
 * looks at the unanswered input [p, p + n), queues the answer to one
 * request and returns the bytes it used, or 0 to wait for more input.
 */
#ifndef SERVERS_PROTO_H
#define SERVERS_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "conn.h"

size_t echo_answer(struct conn *c, const char *p, size_t n);
size_t http_answer(struct conn *c, const char *p, size_t n);

/* Queue n bytes of answer, upper-cased if asked; false when out of memory. */
bool out_append(struct conn *c, const char *p, size_t n, bool upper);

/* One more request answered on c (the stats line counts it too). */
void count_request(struct conn *c);

/* --slow-ms: sleep in the calling thread before a SLOW request is answered. */
void slow_handler(void);

#endif
