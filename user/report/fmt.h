/* SPDX-License-Identifier: GPL-2.0 */
/* Numbers as the text reports print them: one style for every table. */
#ifndef IOTRACE_FMT_H
#define IOTRACE_FMT_H

#include <stddef.h>

#define FMT_LEN		24	/* room for any of these */

/* "812ns", "12.3us", "4.56ms", "1.23s" */
const char *fmt_ns(char *buf, size_t len, double ns);
/* "812B", "12.3KiB", "4.56MiB", "1.23GiB": exact below 10000 */
const char *fmt_bytes(char *buf, size_t len, double bytes);
/* "37%" of whole; "-" when whole is 0 */
const char *fmt_pct(char *buf, size_t len, double part, double whole);
/* part / whole with `decimals` digits; "-" when whole is 0 */
const char *fmt_ratio(char *buf, size_t len, double part, double whole, int decimals);
/* events per second: "812", "12.3k", "4.56M" */
const char *fmt_rate(char *buf, size_t len, double n, double secs);

#endif
