/* dns_wire.c: DNS messages on the wire: query building and strict answer parsing (RFC 1035). */
#include "net/dns.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DNS_HEADER_LEN   12
#define DNS_MAX_HOPS     32  /* compression pointers followed per name */
#define DNS_WIRE_NAME    255 /* RFC 1035 2.3.4 */
#define DNS_CLASS_IN     1
#define DNS_CNAME_DEPTH  8

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void dns_result_free(struct dns_result *r)
{
	for (size_t k = 0; r->rr && k < r->n; k++)
		free(r->rr[k].text);
	free(r->rr);
	r->rr = NULL;
	r->n = 0;
}

/* Encodes a presentation name (trailing dot optional) as labels; -1 when it is invalid. */
static int encode_name(const char *name, unsigned char *out, size_t cap, size_t *len)
{
	size_t n = strlen(name);
	if (n && name[n - 1] == '.')
		n--;
	if (n == 0 || n > 253 || n + 2 > cap)
		return -1;
	size_t o = 0;
	for (size_t start = 0; start <= n;) {
		const char *dot = memchr(name + start, '.', n - start);
		size_t label = (dot ? (size_t)(dot - name) : n) - start;
		if (label == 0 || label > 63)
			return -1;
		out[o++] = (unsigned char)label;
		memcpy(out + o, name + start, label);
		o += label;
		start += label + 1;
	}
	out[o++] = 0;
	*len = o;
	return 0;
}

int dns_build_query(const char *name, uint16_t type, uint16_t id, unsigned char *out, size_t cap,
		    size_t *len)
{
	size_t nlen;
	if (cap < DNS_HEADER_LEN + 4 ||
	    encode_name(name, out + DNS_HEADER_LEN, cap - DNS_HEADER_LEN - 4, &nlen) < 0)
		return -1;
	memset(out, 0, DNS_HEADER_LEN);
	out[0] = (unsigned char)(id >> 8);
	out[1] = (unsigned char)id;
	out[2] = 0x01; /* RD */
	out[5] = 1;    /* QDCOUNT */
	unsigned char *q = out + DNS_HEADER_LEN + nlen;
	q[0] = (unsigned char)(type >> 8);
	q[1] = (unsigned char)type;
	q[2] = 0;
	q[3] = DNS_CLASS_IN;
	*len = DNS_HEADER_LEN + nlen + 4;
	return 0;
}

/* Decodes the (possibly compressed) name at *pos into lowercase presentation form without
 * a trailing dot ("" for the root); *pos moves past it. Pointers must point strictly
 * backwards, so loops are impossible; labels holding '.' or NUL are refused; -1 on any
 * violation. */
static int decode_name(const unsigned char *pkt, size_t len, size_t *pos, char out[DNS_NAME_MAX])
{
	size_t p = *pos, o = 0, wire = 1, end = 0, hops = 0;
	for (;;) {
		if (p >= len)
			return -1;
		unsigned c = pkt[p];
		if ((c & 0xC0) == 0xC0) {
			if (p + 1 >= len || ++hops > DNS_MAX_HOPS)
				return -1;
			size_t target = (size_t)(c & 0x3F) << 8 | pkt[p + 1];
			if (target >= p)
				return -1;
			if (!end)
				end = p + 2;
			p = target;
			continue;
		}
		if (c & 0xC0)
			return -1;
		if (c == 0)
			break;
		wire += c + 1;
		if (p + 1 + c > len || wire > DNS_WIRE_NAME || o + c + 2 > DNS_NAME_MAX)
			return -1;
		if (o)
			out[o++] = '.';
		for (unsigned k = 0; k < c; k++) {
			unsigned char b = pkt[p + 1 + k];
			if (b == '.' || b == '\0') /* would change the name's meaning as text */
				return -1;
			out[o++] = (char)tolower(b);
		}
		p += 1 + c;
	}
	out[o] = '\0';
	*pos = end ? end : p + 1;
	return 0;
}

static int same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

struct raw_rr {
	char owner[DNS_NAME_MAX];
	uint16_t type, class_;
	uint32_t ttl;
	size_t rdata, rdlen;
};

static int read_rr(const unsigned char *pkt, size_t len, size_t *pos, struct raw_rr *rr)
{
	if (decode_name(pkt, len, pos, rr->owner) < 0 || *pos + 10 > len)
		return -1;
	const unsigned char *p = pkt + *pos;
	rr->type = get16(p);
	rr->class_ = get16(p + 2);
	rr->ttl = get32(p + 4);
	rr->rdlen = get16(p + 8);
	rr->rdata = *pos + 10;
	if (rr->rdata + rr->rdlen > len)
		return -1;
	*pos = rr->rdata + rr->rdlen;
	return 0;
}

/* TXT rdata: the character-strings concatenated. */
static int decode_txt(const unsigned char *pkt, const struct raw_rr *rr, struct dns_record *out)
{
	out->text = malloc(rr->rdlen + 1);
	if (!out->text)
		return -1;
	size_t p = rr->rdata, end = rr->rdata + rr->rdlen, o = 0;
	while (p < end) {
		size_t n = pkt[p++];
		if (p + n > end)
			return -1;
		memcpy(out->text + o, pkt + p, n);
		o += n;
		p += n;
	}
	out->text[o] = '\0';
	out->text_len = o;
	return 0;
}

static int decode_rdata(const unsigned char *pkt, size_t len, const struct raw_rr *rr,
			struct dns_record *out)
{
	memset(out, 0, sizeof(*out));
	out->type = rr->type;
	out->ttl = rr->ttl;
	size_t p = rr->rdata;
	switch (rr->type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		if (rr->rdlen != (rr->type == DNS_T_A ? 4u : 16u))
			return -1;
		memcpy(out->addr, pkt + p, rr->rdlen);
		return 0;
	case DNS_T_MX:
		if (rr->rdlen < 3)
			return -1;
		out->preference = get16(pkt + p);
		p += 2;
		return decode_name(pkt, len, &p, out->host) < 0 || p != rr->rdata + rr->rdlen ? -1 : 0;
	case DNS_T_PTR:
	case DNS_T_CNAME:
		return decode_name(pkt, len, &p, out->host) < 0 || p != rr->rdata + rr->rdlen ? -1 : 0;
	case DNS_T_TXT:
		return decode_txt(pkt, rr, out);
	default:
		return -1;
	}
}

static int check_header(const unsigned char *pkt, size_t len, uint16_t id, const char *name,
			uint16_t type, size_t *pos)
{
	if (len < DNS_HEADER_LEN || get16(pkt) != id || !(pkt[2] & 0x80) || (pkt[2] & 0x78) ||
	    get16(pkt + 4) != 1)
		return -1;
	char qname[DNS_NAME_MAX];
	*pos = DNS_HEADER_LEN;
	if (decode_name(pkt, len, pos, qname) < 0 || *pos + 4 > len || !same_name(qname, name) ||
	    get16(pkt + *pos) != type || get16(pkt + *pos + 2) != DNS_CLASS_IN)
		return -1;
	*pos += 4;
	return 0;
}

/* Keeps records of `type` owned by a name of the CNAME chain starting at the question. */
static int collect(const unsigned char *pkt, size_t len, size_t pos, unsigned ancount,
		   const char *name, uint16_t type, struct dns_result *out)
{
	char chain[DNS_CNAME_DEPTH][DNS_NAME_MAX];
	size_t nchain = 1;
	snprintf(chain[0], DNS_NAME_MAX, "%s", name);
	size_t first = pos;
	for (int pass = 0; pass < DNS_CNAME_DEPTH; pass++) { /* CNAMEs may come in any order */
		size_t before = nchain;
		pos = first;
		for (unsigned k = 0; k < ancount; k++) {
			struct raw_rr rr;
			if (read_rr(pkt, len, &pos, &rr) < 0)
				return -1;
			if (rr.type != DNS_T_CNAME || type == DNS_T_CNAME || nchain >= DNS_CNAME_DEPTH)
				continue;
			for (size_t c = 0; c < nchain; c++) {
				if (!same_name(rr.owner, chain[c]))
					continue;
				size_t p = rr.rdata;
				char target[DNS_NAME_MAX];
				if (decode_name(pkt, len, &p, target) < 0)
					return -1;
				int known = 0;
				for (size_t d = 0; d < nchain; d++)
					known |= same_name(target, chain[d]);
				if (!known)
					snprintf(chain[nchain++], DNS_NAME_MAX, "%s", target);
				break;
			}
		}
		if (nchain == before)
			break;
	}
	pos = first;
	for (unsigned k = 0; k < ancount; k++) {
		struct raw_rr rr;
		if (read_rr(pkt, len, &pos, &rr) < 0)
			return -1;
		int owned = 0;
		for (size_t c = 0; c < nchain; c++)
			owned |= same_name(rr.owner, chain[c]);
		if (!owned || rr.type != type || rr.class_ != DNS_CLASS_IN || out->n >= DNS_MAX_RECORDS)
			continue;
		if (decode_rdata(pkt, len, &rr, &out->rr[out->n]) < 0) {
			free(out->rr[out->n].text);
			return -1;
		}
		out->n++;
	}
	return 0;
}

/* RFC 2308 5: a negative answer lives min(SOA TTL, SOA MINIMUM) of the SOA in the authority
 * section; without one it is not to be cached (0). pos is the start of the answer section. */
static uint32_t negative_ttl(const unsigned char *pkt, size_t len, size_t pos)
{
	unsigned counts = get16(pkt + 6) + get16(pkt + 8); /* answers, then authority */
	unsigned answers = get16(pkt + 6);
	for (unsigned k = 0; k < counts; k++) {
		struct raw_rr rr;
		if (read_rr(pkt, len, &pos, &rr) < 0)
			return 0;
		if (k < answers || rr.type != DNS_T_SOA || rr.rdlen < 22)
			continue;
		uint32_t minimum = get32(pkt + rr.rdata + rr.rdlen - 4);
		return rr.ttl < minimum ? rr.ttl : minimum;
	}
	return 0;
}

int dns_parse_answer(const unsigned char *pkt, size_t len, uint16_t id, const char *name,
		     uint16_t type, int *truncated, struct dns_result *out)
{
	memset(out, 0, sizeof(*out));
	out->status = DNS_TEMPFAIL;
	*truncated = 0;
	size_t pos;
	if (check_header(pkt, len, id, name, type, &pos) < 0)
		return -1;
	*truncated = (pkt[2] & 0x02) != 0;
	if (*truncated)
		return 0; /* records may be cut off: the caller asks again over TCP */
	unsigned rcode = pkt[3] & 0x0F;
	if (rcode == 3) {
		out->status = DNS_NXDOMAIN;
		out->negative_ttl = negative_ttl(pkt, len, pos);
		return 0;
	}
	if (rcode != 0)
		return 0; /* SERVFAIL, REFUSED, FORMERR, ...: temporary */
	out->rr = calloc(DNS_MAX_RECORDS, sizeof(*out->rr));
	if (!out->rr)
		return -1;
	if (collect(pkt, len, pos, get16(pkt + 6), name, type, out) < 0) {
		dns_result_free(out);
		out->status = DNS_TEMPFAIL;
		return -1;
	}
	out->status = out->n ? DNS_OK : DNS_NODATA;
	if (!out->n)
		out->negative_ttl = negative_ttl(pkt, len, pos);
	return 0;
}
