/* mime_date.c: RFC 5322 date-time (current and obsolete forms) to RFC 3339 with the sender's offset. */
#include "mime/mime.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct date_fields {
	int year, month, day, hour, minute, second;
	int offset; /* minutes east of UTC */
};

/* Skips blanks, commas and (nested) comments. */
static const char *gap_skip(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == ',')
			p++;
		if (*p != '(')
			return p;
		p = mime_comment_skip(p);
	}
}

/* Up to `max` digits at *p as a number; -1 when there is none. Sets *ndigits. */
static int number_read(const char **p, int max, int *ndigits)
{
	int v = 0, n = 0;
	while (n < max && isdigit((unsigned char)**p)) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	*ndigits = n;
	return n ? v : -1;
}

static size_t word_len(const char *p)
{
	size_t n = 0;
	while (isalpha((unsigned char)p[n]))
		n++;
	return n;
}

/* A month name ("Jan", "january", ...) at *p: 1-12, or 0. */
static int month_read(const char **p)
{
	static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	size_t n = word_len(*p);
	for (int m = 0; n >= 3 && m < 12; m++)
		if (strncasecmp(*p, names + 3 * m, 3) == 0) {
			*p += n;
			return m + 1;
		}
	return 0;
}

static int is_weekday(const char *p, size_t n)
{
	static const char names[] = "montuewedthufrisatsun";
	for (int d = 0; n >= 3 && d < 7; d++)
		if (strncasecmp(p, names + 3 * d, 3) == 0)
			return 1;
	return 0;
}

static int year_full(int year, int ndigits)
{
	if (ndigits == 2)
		return year < 50 ? 2000 + year : 1900 + year;
	return ndigits == 3 ? 1900 + year : year;
}

static int days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return days[month - 1] + (month == 2 && leap);
}

/* Zone: "+hhmm" / "-hhmm" (also "+hh:mm"), a US or universal name, else -0000. -1 if bad. */
static int zone_read(const char *p, int *offset)
{
	static const struct {
		const char *name;
		int hours;
	} names[] = {{"UT", 0},   {"UTC", 0},  {"GMT", 0},  {"Z", 0},    {"EST", -5}, {"EDT", -4},
	             {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};
	*offset = 0;
	if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, nd, nd2 = 0;
		int hh = number_read(&p, 2, &nd), mm = 0;
		if (*p == ':')
			p++;
		if (isdigit((unsigned char)*p))
			mm = number_read(&p, 2, &nd2);
		if (nd != 2 || nd2 != 2 || hh > 23 || mm > 59)
			return -1;
		*offset = sign * (hh * 60 + mm);
		return 0;
	}
	size_t n = word_len(p);
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (n == strlen(names[k].name) && strncasecmp(p, names[k].name, n) == 0)
			*offset = names[k].hours * 60;
	return 0;
}

/* "hh:mm[:ss]" at *p. */
static int time_read(const char **p, struct date_fields *d)
{
	int nd;
	d->hour = number_read(p, 2, &nd);
	if (d->hour < 0 || **p != ':')
		return -1;
	(*p)++;
	d->minute = number_read(p, 2, &nd);
	if (nd != 2)
		return -1;
	d->second = 0;
	if (**p == ':') {
		(*p)++;
		d->second = number_read(p, 2, &nd);
		if (nd != 2)
			return -1;
	}
	return d->hour > 23 || d->minute > 59 || d->second > 60 ? -1 : 0;
}

static int date_read(const char *p, struct date_fields *d)
{
	int nd;
	p = gap_skip(p);
	size_t n = word_len(p);
	if (n && is_weekday(p, n))
		p = gap_skip(p + n);
	d->day = number_read(&p, 2, &nd);
	p = gap_skip(p + (*p == '-'));
	d->month = month_read(&p);
	p = gap_skip(p + (*p == '-'));
	int year = number_read(&p, 4, &nd);
	if (d->day < 1 || !d->month || year < 0 || nd < 2 || isdigit((unsigned char)*p))
		return -1;
	d->year = year_full(year, nd);
	if (d->day > days_in_month(d->year, d->month))
		return -1;
	p = gap_skip(p);
	if (time_read(&p, d) < 0)
		return -1;
	return zone_read(gap_skip(p), &d->offset);
}

int mime_date_to_rfc3339(const char *value, char out[40])
{
	struct date_fields d;
	if (!value || date_read(value, &d) < 0)
		return -1;
	int n = snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d", d.year, d.month, d.day, d.hour,
	                 d.minute, d.second);
	int off = d.offset < 0 ? -d.offset : d.offset;
	if (d.offset == 0)
		snprintf(out + n, 40 - (size_t)n, "Z");
	else
		snprintf(out + n, 40 - (size_t)n, "%c%02d:%02d", d.offset < 0 ? '-' : '+', off / 60,
		         off % 60);
	return 0;
}
