// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include "report/fmt.h"

const char *fmt_ns(char *buf, size_t len, double ns)
{
	if (ns < 1e3)
		snprintf(buf, len, "%.0fns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else
		snprintf(buf, len, "%.2fs", ns / 1e9);
	return buf;
}

const char *fmt_bytes(char *buf, size_t len, double bytes)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	if (bytes < 10000) {
		snprintf(buf, len, "%.0fB", bytes);
		return buf;
	}
	bytes /= 1024;
	while (bytes >= 1000 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, len, bytes < 100 ? "%.1f%s" : "%.0f%s", bytes, unit[u]);
	return buf;
}

const char *fmt_pct(char *buf, size_t len, double part, double whole)
{
	if (!whole)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f%%", 100.0 * part / whole);
	return buf;
}

const char *fmt_ratio(char *buf, size_t len, double part, double whole, int decimals)
{
	if (!whole)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.*f", decimals, part / whole);
	return buf;
}

const char *fmt_rate(char *buf, size_t len, double n, double secs)
{
	double r = secs > 0 ? n / secs : 0;

	if (r < 1e4)
		snprintf(buf, len, "%.0f", r);
	else if (r < 1e7)
		snprintf(buf, len, "%.1fk", r / 1e3);
	else
		snprintf(buf, len, "%.2fM", r / 1e6);
	return buf;
}
