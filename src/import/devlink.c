/* SPDX-License-Identifier: MIT */
/*
 * devlink: what iproute2's devlink prints about health reporters and
 * regions (devlink/devlink.c).
 *
 *  - JSON (-j, -jp): "devlink health show -j" is {"health": {"pci/BDF":
 *    [{"reporter": ...}]}}; diagnose and dump show print the reporter's
 *    fmsg as nested objects and arrays, binary values as arrays of
 *    numbers.  Kept byte for byte once json-c has parsed it: analyze reads
 *    that JSON already.
 *  - Text: the fmsg printer (cmd_fmsg_object_cb) starts an object or an
 *    array on a new line as "name:", indents its content by two spaces,
 *    and prints the pairs of one object on one line, " name: value"
 *    separated by spaces; binary values are "%02x " bytes, sixteen a line.
 *    Names and string values may hold spaces, so the text is read back by
 *    rules, not by a grammar: a token ending in ':' ends a name, the value
 *    is the next token, except for a free-text field (msg, description,
 *    error message), whose value is the rest of the line; a group whose
 *    lines are all pair lines is an array of objects (one per line) when
 *    it has several lines, an object otherwise.  The result is the JSON
 *    devlink -j would have printed, for the same decoder.
 *  - Region dump/read text: pr_out_region_chunk() prints "%016llx " then
 *    "%02x " per byte, a new line every 16 bytes; JSON gives "address"
 *    and a "data" array per chunk.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/limits.h"
#include "import/import-internal.h"

/* ------------------------------------------------------------------ JSON */

static struct json_object *parse_json(const void *data, size_t len, char *why, size_t whylen)
{
	struct json_tokener *tok;
	struct json_object *o;
	enum json_tokener_error e;

	if (len > FW_LIMIT_JSON_INPUT || len > INT32_MAX) {
		snprintf(why, whylen, "JSON larger than FW_LIMIT_JSON_INPUT");
		return NULL;
	}
	tok = json_tokener_new_ex(FW_LIMIT_FMSG_DEPTH * 2);
	if (!tok) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	o = json_tokener_parse_ex(tok, data, (int)len);
	e = json_tokener_get_error(tok);
	if (!o || e != json_tokener_success) {
		snprintf(why, whylen, "not valid JSON at byte %zu: %s",
			 (size_t)json_tokener_get_parse_end(tok), json_tokener_error_desc(e));
		json_object_put(o);
		o = NULL;
	} else {
		/* Only blanks may follow the value. */
		size_t end = json_tokener_get_parse_end(tok);
		const char *s = data;

		while (end < len && (s[end] == ' ' || s[end] == '\n' || s[end] == '\t' ||
				     s[end] == '\r'))
			end++;
		if (end != len) {
			snprintf(why, whylen, "data after the JSON value at byte %zu", end);
			json_object_put(o);
			o = NULL;
		}
	}
	json_tokener_free(tok);
	return o;
}

int imp_devlink_json(const void *data, size_t len, struct imp_parse *p)
{
	struct json_object *o, *h;
	char why[160];
	int r;

	o = parse_json(data, len, why, sizeof(why));
	if (!o) {
		imp_reject(p, 0, "%s", why);
		return 0;
	}
	/* devlink health show -j: the first handle names the card. */
	if (json_object_object_get_ex(o, "health", &h) && json_object_is_type(h, json_type_object)) {
		json_object_object_foreach(h, key, val) {
			(void)val;
			if (imp_find_pci(key, strlen(key), p->pci))
				break;
		}
	}
	json_object_put(o);
	p->records = 1;
	r = fw_buf_put(&p->out, data, len);
	return r;
}

/* ------------------------------------------------------------------ text */

struct tline {
	unsigned indent;
	const char *s;
	size_t n;
	uint64_t no;
};

/* Names whose value is free text running to the end of the line (the
 * mlx5 reporters' messages). */
static bool free_text(const char *name, size_t n)
{
	static const char *const names[] = { "msg", "message", "description", "error message",
					     "Description", "Error message" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && !memcmp(names[i], name, n))
			return true;
	return false;
}

static bool is_hex_byte(const char *s, size_t n)
{
	uint64_t v;

	return n == 2 && imp_hex(s, 2, &v);
}

static struct json_object *typed_value(const char *s, size_t n)
{
	uint64_t v = 0;
	size_t i;

	if (n == 4 && !memcmp(s, "true", 4))
		return json_object_new_boolean(1);
	if (n == 5 && !memcmp(s, "false", 5))
		return json_object_new_boolean(0);
	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (n && i == n && n <= 19) {
		for (i = 0; i < n; i++)
			v = v * 10 + (uint64_t)(s[i] - '0');
		return json_object_new_uint64(v);
	}
	if (n > 2 && s[0] == '0' && s[1] == 'x' && imp_hex(s, n, &v))
		return json_object_new_uint64(v);
	return json_object_new_string_len(s, (int)n);
}

/* Tokens of a line: spans separated by blanks. */
struct tok {
	const char *s;
	size_t n;
};

static size_t tokenize(const char *s, size_t n, struct tok *t, size_t max)
{
	size_t k = 0, i = 0;

	while (i < n && k < max) {
		while (i < n && s[i] == ' ')
			i++;
		if (i == n)
			break;
		t[k].s = s + i;
		while (i < n && s[i] != ' ')
			i++;
		t[k].n = (size_t)(s + i - t[k].s);
		k++;
	}
	return k;
}

#define MAX_TOKENS 4096u

/*
 * One line of pairs into obj.  Returns 1 if the line ended in a name
 * without a value (a group header, or binary data continuing on the next
 * lines) and sets *ret_pending to that name; 0 if the line was all pairs;
 * -1 if it held no "name:" at all (scalars or bytes).
 */
static int pair_line(const struct tline *l, struct json_object *obj, char *pending, size_t plen,
		     struct json_object **ret_bin)
{
	struct tok *t = malloc(MAX_TOKENS * sizeof(*t));
	size_t k, i = 0, name0;
	int ret = 0;
	bool any = false;

	*ret_bin = NULL;
	if (!t)
		return -2;
	k = tokenize(l->s, l->n, t, MAX_TOKENS);
	while (i < k) {
		size_t nend, nlen;
		const char *nm;

		name0 = i;
		while (i < k && !(t[i].n && t[i].s[t[i].n - 1] == ':'))
			i++;
		if (i == k) {
			ret = any ? 0 : -1;
			break;
		}
		nm = t[name0].s;
		nend = i;
		nlen = (size_t)(t[nend].s + t[nend].n - 1 - nm);
		any = true;
		i++;
		if (i == k) {
			snprintf(pending, plen, "%.*s", (int)nlen, nm);
			ret = 1;
			break;
		}
		if (free_text(nm, nlen)) {
			const char *v = t[i].s;
			size_t vn = (size_t)(l->s + l->n - v);

			char key[256];

			snprintf(key, sizeof(key), "%.*s", (int)nlen, nm);
			json_object_object_add(obj, key, json_object_new_string_len(v, (int)vn));
			i = k;
			break;
		}
		if (is_hex_byte(t[i].s, t[i].n)) {
			/* A binary value: bytes to the end of the line, more on
			 * the lines after it. */
			size_t j = i;
			bool all = true;

			for (; j < k; j++)
				if (!is_hex_byte(t[j].s, t[j].n))
					all = false;
			if (all && k - i > 1) {
				struct json_object *arr = json_object_new_array();
				char key[256];
				uint64_t v;

				for (; i < k; i++) {
					imp_hex(t[i].s, 2, &v);
					json_object_array_add(arr, json_object_new_int((int)v));
				}
				snprintf(key, sizeof(key), "%.*s", (int)nlen, nm);
				json_object_object_add(obj, key, arr);
				*ret_bin = arr;
				break;
			}
		}
		{
			char key[256];

			snprintf(key, sizeof(key), "%.*s", (int)nlen, nm);
			json_object_object_add(obj, key, typed_value(t[i].s, t[i].n));
		}
		i++;
	}
	free(t);
	return ret;
}

static bool bytes_line(const struct tline *l, struct json_object *arr)
{
	size_t i = 0;
	uint64_t v;

	while (i < l->n) {
		while (i < l->n && l->s[i] == ' ')
			i++;
		if (i == l->n)
			break;
		if (i + 2 > l->n || !imp_hex(l->s + i, 2, &v) || (i + 2 < l->n && l->s[i + 2] != ' '))
			return false;
		i += 2;
	}
	i = 0;
	while (i < l->n) {
		while (i < l->n && l->s[i] == ' ')
			i++;
		if (i == l->n)
			break;
		imp_hex(l->s + i, 2, &v);
		json_object_array_add(arr, json_object_new_int((int)v));
		i += 2;
	}
	return true;
}

static struct json_object *block(const struct tline *ls, size_t n, size_t *i, unsigned min_indent,
				 struct imp_parse *p, unsigned depth);

/* The lines of a group opened by "name:" at lines ls[*i - 1]: those
 * indented deeper. */
static struct json_object *group(const struct tline *ls, size_t n, size_t *i, unsigned indent,
				 struct imp_parse *p, unsigned depth)
{
	size_t start = *i, end = start, direct = 0;
	unsigned child;
	bool all_pairs = true;
	struct json_object *arr;

	while (end < n && ls[end].indent > indent)
		end++;
	if (end == start)
		return json_object_new_object();
	child = ls[start].indent;
	for (size_t k = start; k < end; k++) {
		if (ls[k].indent != child)
			continue;
		direct++;
		if (ls[k].n && ls[k].s[ls[k].n - 1] == ':')
			all_pairs = false;
	}
	if (direct > 1 && all_pairs && depth < FW_LIMIT_FMSG_DEPTH) {
		/* An array: each direct line an element (an object of pairs, or
		 * scalars), deeper lines belong to the element before them. */
		arr = json_object_new_array();
		while (*i < end) {
			struct json_object *el = json_object_new_object();
			char pending[256] = "";
			struct json_object *bin = NULL;
			int k = pair_line(&ls[*i], el, pending, sizeof(pending), &bin);

			if (k == -1) {
				struct tok t[64];
				size_t nt = tokenize(ls[*i].s, ls[*i].n, t, 64);

				json_object_put(el);
				for (size_t q = 0; q < nt; q++)
					json_object_array_add(arr, typed_value(t[q].s, t[q].n));
				(*i)++;
				continue;
			}
			(*i)++;
			if (*i < end && ls[*i].indent > child) {
				struct json_object *sub = block(ls, end, i, child + 1, p, depth + 1);

				if (pending[0])
					json_object_object_add(el, pending, sub);
				else {
					json_object_object_foreach(sub, key, val)
						json_object_object_add(el, key, json_object_get(val));
					json_object_put(sub);
				}
			}
			json_object_array_add(arr, el);
		}
		p->records += direct;
		return arr;
	}
	return block(ls, end, i, child, p, depth + 1);
}

static struct json_object *block(const struct tline *ls, size_t n, size_t *i, unsigned min_indent,
				 struct imp_parse *p, unsigned depth)
{
	struct json_object *obj = json_object_new_object();

	while (*i < n && ls[*i].indent >= min_indent) {
		const struct tline *l = &ls[*i];
		char pending[256] = "";
		struct json_object *bin = NULL;
		int k;

		if (depth > FW_LIMIT_FMSG_DEPTH) {
			imp_reject(p, l->no, "nested deeper than FW_LIMIT_FMSG_DEPTH");
			(*i)++;
			continue;
		}
		k = pair_line(l, obj, pending, sizeof(pending), &bin);
		(*i)++;
		if (k == -2)
			break;
		if (k == -1) {
			imp_reject(p, l->no, "neither 'name: value' pairs nor a group");
			continue;
		}
		p->records++;
		if (bin) {
			while (*i < n && ls[*i].indent >= l->indent && bytes_line(&ls[*i], bin))
				(*i)++;
			continue;
		}
		if (k == 1) {
			struct json_object *arr = json_object_new_array();

			/* "name:" then lines of bytes: a binary value. */
			if (*i < n && bytes_line(&ls[*i], arr)) {
				(*i)++;
				while (*i < n && bytes_line(&ls[*i], arr))
					(*i)++;
				json_object_object_add(obj, pending, arr);
				continue;
			}
			json_object_put(arr);
			json_object_object_add(obj, pending, group(ls, n, i, l->indent, p, depth));
		}
	}
	return obj;
}

/* "devlink health diagnose pci/0000:08:00.0 reporter fw" (sysinfo-snapshot
 * writes the command first): the card and the reporter. */
static bool command_line(const char *s, size_t n, struct imp_parse *p)
{
	const char *r;
	size_t k;

	if (n < 8 || memcmp(s, "devlink ", 8))
		return false;
	imp_find_pci(s, n, p->pci);
	for (r = s; r + 9 <= s + n; r++)
		if (!memcmp(r, "reporter ", 9)) {
			r += 9;
			for (k = 0; r + k < s + n && r[k] != ' ' && k + 1 < sizeof(p->name); k++)
				;
			snprintf(p->name, sizeof(p->name), "%.*s", (int)k, r);
			break;
		}
	return true;
}

int imp_devlink_text(const void *data, size_t len, struct imp_parse *p)
{
	struct imp_lines il;
	struct tline *ls = NULL;
	size_t n = 0, cap = 0, i = 0;
	struct json_object *obj;
	const char *s, *js;
	size_t sn;
	bool overlong;
	int r = 0;

	imp_lines_init(&il, data, len);
	while (imp_lines_next(&il, &s, &sn, &overlong)) {
		unsigned ind = 0;

		while (ind < sn && s[ind] == ' ')
			ind++;
		if (ind == sn)
			continue;
		if (overlong) {
			imp_reject(p, il.no, "a line longer than FW_LIMIT_TEXT_LINE");
			continue;
		}
		if (command_line(s + ind, sn - ind, p)) {
			p->other++;
			continue;
		}
		if ((sn - ind >= 5 && !memcmp(s + ind, "Error", 5)) ||
		    (sn - ind >= 7 && !memcmp(s + ind, "kernel ", 7))) {
			if (!p->tool_error[0])
				snprintf(p->tool_error, sizeof(p->tool_error), "line %llu: %.*s",
					 (unsigned long long)il.no, (int)((sn - ind) > 160 ? 160 : sn - ind),
					 s + ind);
			continue;
		}
		r = fw_grow((void **)&ls, &cap, n + 1, sizeof(*ls), FW_LIMIT_FMSG_ITEMS);
		if (r < 0)
			goto out;
		ls[n].indent = ind;
		ls[n].s = s + ind;
		ls[n].n = sn - ind;
		ls[n].no = il.no;
		n++;
	}
	if (!n)
		goto out;
	obj = json_object_new_object();
	while (i < n) {
		struct json_object *b = block(ls, n, &i, 0, p, 0);

		json_object_object_foreach(b, key, val)
			json_object_object_add(obj, key, json_object_get(val));
		json_object_put(b);
	}
	js = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	r = js ? fw_buf_puts(&p->out, js) : -ENOMEM;
	json_object_put(obj);
out:
	free(ls);
	return r;
}

/* ---------------------------------------------------------------- region */

static int region_put(struct imp_parse *p, uint64_t addr, const uint8_t *b, size_t n,
		      uint64_t line)
{
	if (addr > FW_LIMIT_CRSPACE || n > FW_LIMIT_CRSPACE - addr) {
		imp_reject(p, line, "address 0x%llx beyond FW_LIMIT_CRSPACE", (unsigned long long)addr);
		return 0;
	}
	if (addr < p->out.len) {
		imp_reject(p, line, "address 0x%llx given again", (unsigned long long)addr);
		return 0;
	}
	if (addr > p->out.len) {
		/* A gap: the region's bytes are kept at their offsets. */
		int r = fw_buf_zeros(&p->out, (size_t)(addr - p->out.len));

		if (r < 0)
			return r;
		imp_reject(p, line, "bytes missing before address 0x%llx (zero-filled)",
			   (unsigned long long)addr);
	}
	p->records += n;
	return fw_buf_put(&p->out, b, n);
}

static int region_json_walk(struct json_object *o, struct imp_parse *p, unsigned depth)
{
	struct json_object *a, *d;
	int r = 0;

	if (depth > FW_LIMIT_FMSG_DEPTH)
		return 0;
	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; r >= 0 && i < json_object_array_length(o); i++)
			r = region_json_walk(json_object_array_get_idx(o, i), p, depth + 1);
		return r;
	}
	if (!json_object_is_type(o, json_type_object))
		return 0;
	if (json_object_object_get_ex(o, "address", &a) && json_object_object_get_ex(o, "data", &d) &&
	    json_object_is_type(d, json_type_array)) {
		size_t n = json_object_array_length(d);
		uint8_t *b = malloc(n ? n : 1);
		int64_t addr = json_object_get_int64(a);

		if (!b)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++)
			b[i] = (uint8_t)json_object_get_int(json_object_array_get_idx(d, i));
		r = addr < 0 ? 0 : region_put(p, (uint64_t)addr, b, n, 0);
		free(b);
		return r;
	}
	json_object_object_foreach(o, key, val) {
		(void)key;
		r = region_json_walk(val, p, depth + 1);
		if (r < 0)
			break;
	}
	return r;
}

/* The region a "BUS/DEVICE/REGION" handle names (iproute2's region handle,
 * in the command line a collector saved and as the JSON's key) goes to
 * p->name, its PCI address to p->pci. */
static void region_handle(const char *s, size_t n, struct imp_parse *p)
{
	const char *slash = NULL;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '/')
			slash = s + i;
	if (!slash || slash == s || (size_t)(s + n - slash - 1) >= sizeof(p->name) ||
	    s + n == slash + 1)
		return;
	snprintf(p->name, sizeof(p->name), "%.*s", (int)(s + n - slash - 1), slash + 1);
	imp_find_pci(s, (size_t)(slash - s), p->pci);
}

/* A saved command line "devlink [-j] region dump|read HANDLE ...". */
static void region_command(const char *s, size_t n, struct imp_parse *p)
{
	const char *end = s + n, *t;

	for (t = s; t + 7 <= end && memcmp(t, "region ", 7); t++)
		;
	if (t + 7 > end)
		return;
	t += 7;
	while (t < end && *t != ' ')
		t++; /* "dump" or "read" */
	while (t < end && *t == ' ')
		t++;
	for (const char *e = t; e <= end; e++)
		if (e == end || *e == ' ') {
			region_handle(t, (size_t)(e - t), p);
			return;
		}
}

int imp_devlink_region(const void *data, size_t len, struct imp_parse *p)
{
	struct imp_lines il;
	const char *s;
	size_t sn, i = 0;
	bool overlong;
	int r = 0;

	while (i < len && (((const char *)data)[i] == ' ' || ((const char *)data)[i] == '\n'))
		i++;
	if (i < len && (((const char *)data)[i] == '{' || ((const char *)data)[i] == '[')) {
		char why[160];
		struct json_object *o = parse_json(data, len, why, sizeof(why));

		if (!o) {
			imp_reject(p, 0, "%s", why);
			return 0;
		}
		if (json_object_is_type(o, json_type_object)) {
			json_object_object_foreach(o, key, val) {
				(void)val;
				region_handle(key, strlen(key), p);
				break;
			}
		}
		r = region_json_walk(o, p, 0);
		json_object_put(o);
		return r;
	}
	imp_lines_init(&il, data, len);
	while (r >= 0 && imp_lines_next(&il, &s, &sn, &overlong)) {
		uint8_t b[64];
		uint64_t addr, v;
		size_t k = 0, j;

		if (overlong) {
			imp_reject(p, il.no, "a line longer than FW_LIMIT_TEXT_LINE");
			continue;
		}
		if (!sn)
			continue;
		if (sn < 17 || !imp_hex(s, 16, &addr) || s[16] != ' ') {
			if (sn >= 7 && !memcmp(s, "devlink", 7)) {
				imp_find_pci(s, sn, p->pci);
				region_command(s, sn, p);
			}
			p->other++;
			continue;
		}
		for (j = 17; j < sn && k < sizeof(b);) {
			while (j < sn && s[j] == ' ')
				j++;
			if (j == sn)
				break;
			if (j + 2 > sn || !imp_hex(s + j, 2, &v) || (j + 2 < sn && s[j + 2] != ' '))
				break;
			b[k++] = (uint8_t)v;
			j += 2;
		}
		while (j < sn && s[j] == ' ')
			j++;
		if (j != sn || !k) {
			imp_reject(p, il.no, "not an address and hex bytes");
			continue;
		}
		r = region_put(p, addr, b, k, il.no);
	}
	return r;
}
