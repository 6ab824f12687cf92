/* SPDX-License-Identifier: MIT */
/*
 * fwbox health: the health buffer and the devlink health reporters of a
 * bundle or of a live device, decoded, with the firmware-fatal verdict in
 * words, in the manner of `devlink health show` and `devlink health
 * diagnose`.  A bundle goes through the analyze decoders (kinds health.*);
 * a device is read the way collect reads it (health buffer, reporter list,
 * each reporter's diagnose) and its bytes go through the same decoders.
 * Stored dumps are not printed (fwbox trace and fwbox crspace decode them);
 * a reporter says whether it holds one.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "cli/cli.h"

/* The fields of one reading of the health buffer (health.buffer, or
 * health.buffer.after: read again once the firmware went fatal). */
struct hbuf {
	bool have;
	uint32_t assert_var[6], exit_ptr, callra, time, fw_ver, hw_id;
	unsigned rfr, crr, severity_valid, severity, irisc_index, synd, ext_synd;
	char synd_name[64];
};

struct hitem {
	char *path;
	enum health_vtype type;
	uint64_t u;
	char *str;                    /* strings; binary: NULL, bin_len set */
	size_t bin_len;
};

struct hrep {
	char name[FW_DEVLINK_NAME_MAX];
	bool have_state;              /* from the reporter list */
	bool error;                   /* state "error" */
	uint64_t errors, recovers;
	bool has_dump;
	uint64_t dump_ts_ns;
	struct hitem *diag;           /* its diagnose, in order */
	size_t n_diag;
	bool have_diag;
	bool diag_after;              /* diag is the reading after the fatal error */
};

struct hreport {
	const char *arg;
	char uuid[37];
	char pci[64];
	struct hbuf buf, after;
	struct hrep *reps;
	size_t n_reps;
	int cur_rep;                  /* health.reporters: element being filled */
	uint64_t problems;
	bool any;                     /* some health artifact was decoded */
};

static const char *const severity_names[8] = {
	"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug",
};

static struct hrep *rep_get(struct hreport *h, const char *name)
{
	struct hrep *n;

	for (size_t i = 0; i < h->n_reps; i++)
		if (!strcmp(h->reps[i].name, name))
			return &h->reps[i];
	if (strlen(name) >= sizeof(h->reps[0].name))
		return NULL;
	n = realloc(h->reps, (h->n_reps + 1) * sizeof(*h->reps));
	if (!n)
		return NULL;
	h->reps = n;
	n = &h->reps[h->n_reps++];
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	return n;
}

static void diag_clear(struct hrep *r)
{
	for (size_t k = 0; k < r->n_diag; k++) {
		free(r->diag[k].path);
		free(r->diag[k].str);
	}
	free(r->diag);
	r->diag = NULL;
	r->n_diag = 0;
}

static void hreport_free(struct hreport *h)
{
	for (size_t i = 0; i < h->n_reps; i++)
		diag_clear(&h->reps[i]);
	free(h->reps);
	h->reps = NULL;
	h->n_reps = 0;
}

static void buf_field(struct hbuf *b, const struct health_item *it)
{
	uint32_t v = (uint32_t)it->u;
	const char *n = it->name;

	b->have = true;
	if (!strncmp(n, "assert_var[", 11)) {
		unsigned i = (unsigned)(n[11] - '0');

		if (i < 6)
			b->assert_var[i] = v;
	} else if (!strcmp(n, "assert_exit_ptr")) {
		b->exit_ptr = v;
	} else if (!strcmp(n, "assert_callra")) {
		b->callra = v;
	} else if (!strcmp(n, "time")) {
		b->time = v;
	} else if (!strcmp(n, "fw_ver")) {
		b->fw_ver = v;
	} else if (!strcmp(n, "hw_id")) {
		b->hw_id = v;
	} else if (!strcmp(n, "rfr")) {
		b->rfr = v;
	} else if (!strcmp(n, "crr")) {
		b->crr = v;
	} else if (!strcmp(n, "severity_valid")) {
		b->severity_valid = v;
	} else if (!strcmp(n, "severity")) {
		b->severity = v;
	} else if (!strcmp(n, "irisc_index")) {
		b->irisc_index = v;
	} else if (!strcmp(n, "synd")) {
		b->synd = v;
	} else if (!strcmp(n, "ext_synd")) {
		b->ext_synd = v;
	} else if (!strcmp(n, "synd_name") && it->str) {
		snprintf(b->synd_name, sizeof(b->synd_name), "%s", it->str);
	}
}

/* health.reporters, in the shape of `devlink -j health show`:
 * health/pci/ADDR[i]/{reporter,state,error,recover,has_dump,dump_ts_ns}. */
static void reporters_item(struct hreport *h, const struct health_item *it)
{
	struct hrep *r;

	if (it->event != HEALTH_VALUE || it->depth < 3)
		return;
	if (!strcmp(it->name, "reporter") && it->type == HEALTH_STRING && it->str) {
		r = rep_get(h, it->str);
		h->cur_rep = r ? (int)(r - h->reps) : -1;
		if (r)
			r->have_state = true;
		return;
	}
	if (h->cur_rep < 0 || (size_t)h->cur_rep >= h->n_reps)
		return;
	r = &h->reps[h->cur_rep];
	if (!strcmp(it->name, "state") && it->str)
		r->error = strcmp(it->str, "healthy") != 0;
	else if (!strcmp(it->name, "error"))
		r->errors = it->u;
	else if (!strcmp(it->name, "recover"))
		r->recovers = it->u;
	else if (!strcmp(it->name, "has_dump"))
		r->has_dump = it->u != 0;
	else if (!strcmp(it->name, "dump_ts_ns"))
		r->dump_ts_ns = it->u;
}

/* A diagnose read again after the fatal error (KIND.after) replaces the
 * first one: it is the newer state of the same reporter. */
static int diag_item(struct hreport *h, const char *rep, bool after, const struct health_item *it)
{
	struct hrep *r = rep_get(h, rep);
	struct hitem *n, *d;

	if (!r)
		return -ENOMEM;
	if (after && !r->diag_after) {
		diag_clear(r);
		r->diag_after = true;
	} else if (!after && r->diag_after) {
		return 0;
	}
	r->have_diag = true;
	if (it->event != HEALTH_VALUE)
		return 0;
	n = realloc(r->diag, (r->n_diag + 1) * sizeof(*r->diag));
	if (!n)
		return -ENOMEM;
	r->diag = n;
	d = &r->diag[r->n_diag];
	memset(d, 0, sizeof(*d));
	d->path = strdup(it->path ? it->path : "");
	d->type = it->type;
	d->u = it->u;
	if (it->type == HEALTH_STRING && it->str)
		d->str = strdup(it->str);
	d->bin_len = it->bin_len;
	if (!d->path || (it->type == HEALTH_STRING && it->str && !d->str)) {
		free(d->path);
		free(d->str);
		return -ENOMEM;
	}
	r->n_diag++;
	return 0;
}

static int on_health(void *ud, const char *kind, const struct health_item *it)
{
	struct hreport *h = ud;
	char rep[FW_DEVLINK_NAME_MAX + 16];
	bool after;
	size_t len;

	h->any = true;
	if (!strcmp(kind, "health.buffer")) {
		if (it->event == HEALTH_VALUE)
			buf_field(&h->buf, it);
		return 0;
	}
	if (!strcmp(kind, "health.buffer.after")) {
		if (it->event == HEALTH_VALUE)
			buf_field(&h->after, it);
		return 0;
	}
	/* The reporter list read again after the fatal error comes later
	 * in the bundle and overwrites the states of the first. */
	if (!strcmp(kind, "health.reporters") || !strcmp(kind, "health.reporters.after")) {
		reporters_item(h, it);
		return 0;
	}
	/* health.REPORTER.diagnose[.after]; dumps are not shown. */
	if (strncmp(kind, "health.", 7) != 0)
		return 0;
	len = strlen(kind);
	after = len > 6 && !strcmp(kind + len - 6, ".after");
	if (after)
		len -= 6;
	if (len < 7 + 9 || strncmp(kind + len - 9, ".diagnose", 9) != 0 ||
	    len - 9 - 7 >= sizeof(rep) || len - 9 - 7 == 0)
		return 0;
	snprintf(rep, sizeof(rep), "%.*s", (int)(len - 9 - 7), kind + 7);
	return diag_item(h, rep, after, it);
}

static void on_device(void *ud, const char *pci)
{
	struct hreport *h = ud;

	if (pci && strcmp(pci, "-") != 0)
		snprintf(h->pci, sizeof(h->pci), "%s", pci);
}

static void on_problem(void *ud, const char *kind, uint64_t off, int err, const char *msg)
{
	struct hreport *h = ud;

	(void)err;
	h->problems++;
	cli_warn("health", "'%s': '%s' at offset %" PRIu64 ": %s", h->arg, kind, off, msg);
}

/* ------------------------------------------------------------- verdict */

enum verdict { V_UNKNOWN, V_HEALTHY, V_ERROR, V_FATAL };
static const char *const verdict_names[] = { "unknown", "healthy", "error", "fatal" };

static bool buf_dead(const struct hbuf *b)
{
	/* A function that no longer answers on PCI reads all ones. */
	return b->fw_ver == 0xffffffffu && b->hw_id == 0xffffffffu;
}

/* The kernel's test (mlx5 health.c, sensor_fw_synd_rfr): a syndrome with
 * the recover-from-reset bit is fatal; a syndrome alone is a firmware
 * error the driver reports on the fw reporter. */
static enum verdict judge(const struct hreport *h, char *text, size_t size)
{
	const struct hbuf *b = h->after.have ? &h->after : &h->buf;
	const struct hrep *fatal_rep = NULL, *fw_rep = NULL;
	size_t off = 0;
	enum verdict v = V_UNKNOWN;

	for (size_t i = 0; i < h->n_reps; i++) {
		if (!strcmp(h->reps[i].name, "fw_fatal"))
			fatal_rep = &h->reps[i];
		else if (!strcmp(h->reps[i].name, "fw"))
			fw_rep = &h->reps[i];
	}
	text[0] = '\0';
#define SAY(...)                                                                       \
	do {                                                                           \
		if (off < size)                                                        \
			off += (size_t)snprintf(text + off, size - off, __VA_ARGS__);  \
	} while (0)
	if (b->have && buf_dead(b)) {
		v = V_FATAL;
		SAY("the device does not answer: its health buffer reads all ones");
	} else if (b->have && b->synd && b->rfr) {
		v = V_FATAL;
		SAY("the firmware is in a fatal state: health syndrome 0x%x (%s), ext_synd 0x%04x, "
		    "and it asks for a reset (rfr)",
		    b->synd, b->synd_name[0] ? b->synd_name : "unknown syndrome", b->ext_synd);
	} else if (b->have && b->synd) {
		v = V_ERROR;
		SAY("the firmware reports an error, not fatal: health syndrome 0x%x (%s), "
		    "ext_synd 0x%04x, no reset requested",
		    b->synd, b->synd_name[0] ? b->synd_name : "unknown syndrome", b->ext_synd);
	}
	if (fatal_rep && fatal_rep->have_state && fatal_rep->error) {
		SAY("%sthe kernel's fw_fatal reporter is in error (error count %" PRIu64
		    ", recover count %" PRIu64 ")",
		    off ? "; " : "", fatal_rep->errors, fatal_rep->recovers);
		v = V_FATAL;
	}
	if (fw_rep && fw_rep->have_state && fw_rep->error) {
		SAY("%sthe kernel's fw reporter is in error (error count %" PRIu64 ")",
		    off ? "; " : "", fw_rep->errors);
		if (v < V_ERROR)
			v = V_ERROR;
	}
	if (v == V_UNKNOWN && (b->have || (fatal_rep && fatal_rep->have_state))) {
		v = V_HEALTHY;
		/* "Verdict: healthy: " already says it: the evidence only. */
		SAY("%s%s", b->have ? "health syndrome 0" : "",
		    h->n_reps ? (b->have ? ", no reporter in error" : "no reporter in error") : "");
	}
	if (v == V_UNKNOWN)
		SAY("no health buffer and no reporter state to judge from");
	if (h->after.have && h->buf.have && !h->buf.synd && h->after.synd)
		SAY("; it went fatal during the collection (the first reading had syndrome 0)");
#undef SAY
	return v;
}

/* -------------------------------------------------------------- output */

static void fw_ver_text(uint32_t v, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%04u", v >> 24, (v >> 16) & 0xff, v & 0xffff);
}

static struct json_object *buf_json(const struct hbuf *b)
{
	struct json_object *o, *f;
	char ver[32], name[16];

	if (!b->have)
		return NULL;
	o = json_object_new_object();
	f = json_object_new_object();
	/* The layout's own field names, as the parser gives them. */
	for (unsigned i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "assert_var[%u]", i);
		json_object_object_add(f, name, cli_json_int(b->assert_var[i]));
	}
	json_object_object_add(f, "assert_exit_ptr", cli_json_int(b->exit_ptr));
	json_object_object_add(f, "assert_callra", cli_json_int(b->callra));
	json_object_object_add(f, "time", cli_json_int(b->time));
	json_object_object_add(f, "fw_ver", cli_json_int(b->fw_ver));
	json_object_object_add(f, "hw_id", cli_json_int(b->hw_id));
	json_object_object_add(f, "rfr", cli_json_int(b->rfr));
	json_object_object_add(f, "crr", cli_json_int(b->crr));
	json_object_object_add(f, "severity_valid", cli_json_int(b->severity_valid));
	json_object_object_add(f, "severity", cli_json_int(b->severity));
	json_object_object_add(f, "irisc_index", cli_json_int(b->irisc_index));
	json_object_object_add(f, "synd", cli_json_int(b->synd));
	json_object_object_add(f, "ext_synd", cli_json_int(b->ext_synd));
	json_object_object_add(o, "fields", f);
	json_object_object_add(o, "synd_name", cli_json_text_or_null(b->synd_name));
	json_object_object_add(o, "severity_name",
			       b->severity_valid ? cli_json_text(severity_names[b->severity & 7])
						 : NULL);
	fw_ver_text(b->fw_ver, ver, sizeof(ver));
	json_object_object_add(o, "fw_version", cli_json_text(ver));
	return o;
}

static struct json_object *item_value(const struct hitem *d)
{
	switch (d->type) {
	case HEALTH_STRING:
		return cli_json_text(d->str ? d->str : "");
	case HEALTH_BOOL:
		return json_object_new_boolean(d->u != 0);
	case HEALTH_NULL:
		return NULL;
	case HEALTH_BINARY: {
		char t[48];

		snprintf(t, sizeof(t), "<%zu bytes>", d->bin_len);
		return json_object_new_string(t);
	}
	default:
		/* Integers that a JSON reader keeps exactly, else decimal text
		 * (fwbox(1) JSON OUTPUT). */
		return d->u < (1ull << 53) ? cli_json_int((int64_t)d->u) : cli_json_u64(d->u);
	}
}

static void emit_json(const struct cli_json *j, const struct hreport *h, bool device,
		      enum verdict v, const char *vtext)
{
	struct json_object *o = json_object_new_object(), *reps = json_object_new_array();

	json_object_object_add(o, "bundle", device ? NULL : cli_json_text(h->uuid));
	json_object_object_add(o, "pci", cli_json_text_or_null(h->pci));
	json_object_object_add(o, "source", cli_json_text(h->arg));
	json_object_object_add(o, "verdict", json_object_new_string(verdict_names[v]));
	json_object_object_add(o, "fatal", json_object_new_boolean(v == V_FATAL));
	json_object_object_add(o, "verdict_text", cli_json_text(vtext));
	json_object_object_add(o, "health_buffer", buf_json(&h->buf));
	json_object_object_add(o, "health_buffer_after", buf_json(&h->after));
	for (size_t i = 0; i < h->n_reps; i++) {
		const struct hrep *r = &h->reps[i];
		struct json_object *ro = json_object_new_object(), *diag = NULL;

		json_object_object_add(ro, "reporter", cli_json_text(r->name));
		json_object_object_add(ro, "state",
				       r->have_state ? json_object_new_string(r->error ? "error"
											: "healthy")
						     : NULL);
		json_object_object_add(ro, "error_count",
				       r->have_state ? cli_json_int((int64_t)r->errors) : NULL);
		json_object_object_add(ro, "recover_count",
				       r->have_state ? cli_json_int((int64_t)r->recovers) : NULL);
		json_object_object_add(ro, "has_dump",
				       r->have_state ? json_object_new_boolean(r->has_dump) : NULL);
		cli_json_add_time(ro, "dump_time", r->has_dump ? r->dump_ts_ns : 0);
		if (r->have_diag) {
			diag = json_object_new_array();
			for (size_t k = 0; k < r->n_diag; k++) {
				struct json_object *d = json_object_new_object();

				json_object_object_add(d, "path", cli_json_text(r->diag[k].path));
				json_object_object_add(d, "value", item_value(&r->diag[k]));
				json_object_array_add(diag, d);
			}
		}
		json_object_object_add(ro, "diagnose", diag);
		json_object_array_add(reps, ro);
	}
	json_object_object_add(o, "reporters", reps);
	cli_json_emit(j, o);
}

static void print_buf(const char *title, const struct hbuf *b)
{
	char ver[32];

	if (!b->have)
		return;
	fw_ver_text(b->fw_ver, ver, sizeof(ver));
	printf("%s:\n", title);
	printf("  syndrome     0x%x%s%s%s  ext_synd 0x%04x\n", b->synd, b->synd ? " (" : "",
	       b->synd ? (b->synd_name[0] ? b->synd_name : "unknown syndrome") : "",
	       b->synd ? ")" : "", b->ext_synd);
	printf("  rfr          %u  crr %u  severity %s\n", b->rfr, b->crr,
	       b->severity_valid ? severity_names[b->severity & 7] : "-");
	printf("  fw_ver       %s  hw_id 0x%x  time %u  irisc_index %u\n", ver, b->hw_id, b->time,
	       b->irisc_index);
	printf("  assert_var   0x%08x 0x%08x 0x%08x 0x%08x 0x%08x 0x%08x\n", b->assert_var[0],
	       b->assert_var[1], b->assert_var[2], b->assert_var[3], b->assert_var[4],
	       b->assert_var[5]);
	printf("  exit_ptr     0x%08x  callra 0x%08x\n", b->exit_ptr, b->callra);
}

static void print_item(const struct hitem *d)
{
	printf("      %s: ", d->path);
	switch (d->type) {
	case HEALTH_STRING:
		printf("%s\n", d->str ? d->str : "");
		break;
	case HEALTH_BOOL:
		printf("%s\n", d->u ? "true" : "false");
		break;
	case HEALTH_NULL:
		printf("null\n");
		break;
	case HEALTH_BINARY:
		printf("<%zu bytes>\n", d->bin_len);
		break;
	default:
		printf("%" PRIu64 "\n", d->u);
		break;
	}
}

static void print_text(const struct hreport *h, bool device, enum verdict v, const char *vtext)
{
	if (device)
		printf("Device: %s (%s)\n", h->pci[0] ? h->pci : "-", h->arg);
	else
		printf("Bundle: %s (%s)\n", h->arg, h->uuid);
	if (!device && h->pci[0])
		printf("Device: %s\n", h->pci);
	printf("Verdict: %s: %s\n", verdict_names[v], vtext);
	print_buf("Health buffer", &h->buf);
	print_buf("Health buffer, read again after the firmware went fatal", &h->after);
	if (h->n_reps)
		printf("Reporters:\n");
	for (size_t i = 0; i < h->n_reps; i++) {
		const struct hrep *r = &h->reps[i];

		printf("  %s:", r->name);
		if (r->have_state) {
			printf(" state %s error %" PRIu64 " recover %" PRIu64, r->error ? "error" : "healthy",
			       r->errors, r->recovers);
			if (r->has_dump) {
				char t[48];

				if (r->dump_ts_ns) {
					cli_format_time_short(r->dump_ts_ns, t, sizeof(t));
					printf(" dump stored (%s)", t);
				} else {
					printf(" dump stored");
				}
			}
		}
		printf("\n");
		if (r->have_diag) {
			printf("    diagnose:%s\n", r->n_diag ? "" : " (empty)");
			for (size_t k = 0; k < r->n_diag; k++)
				print_item(&r->diag[k]);
		}
	}
}

/* ------------------------------------------------------------- devices */

/* An argument names a device, not a bundle, when it is no file and reads
 * as a device spec: emu:..., pci/ADDR, a PCI address, a /dev node. */
static bool looks_like_device(const char *a)
{
	struct stat st;
	unsigned x;
	char c;

	if (stat(a, &st) == 0 && !S_ISCHR(st.st_mode))
		return false;
	if (!strncmp(a, "emu:", 4) || !strncmp(a, "pci/", 4) || !strncmp(a, "/dev/", 5))
		return true;
	/* DDDD:BB:DD.F or BB:DD.F */
	if (sscanf(a, "%4x:%2x:%2x.%1x%c", &x, &x, &x, &x, &c) == 4 && strlen(a) == 12)
		return true;
	return sscanf(a, "%2x:%2x.%1x%c", &x, &x, &x, &c) == 3 && strlen(a) == 7;
}

static int feed(struct analyze *an, const char *kind, const void *data, size_t len)
{
	int r = analyze_begin(an, kind);

	if (r < 0 || r == 1)
		return r < 0 ? r : 0;
	r = analyze_data(an, data, len);
	if (r < 0) {
		analyze_end(an);
		return r;
	}
	return analyze_end(an);
}

static int read_device(struct fw_ctx *ctx, const char *spec, const struct analyze_sink *sink,
		       struct hreport *h)
{
	struct fw_device *dev = NULL;
	struct fw_device_info info;
	struct fw_health_reporter *reps = NULL;
	struct analyze *an = NULL;
	size_t n = 0, len = 0;
	void *data = NULL;
	char eb[128];
	int r;

	r = fw_device_open(ctx, spec, &dev);
	if (r < 0)
		return r;
	if (fw_device_info(dev, &info) == 0)
		snprintf(h->pci, sizeof(h->pci), "%s", info.pci);
	r = analyze_new(ctx, sink, h, &an);
	if (r < 0)
		goto out;
	r = fw_device_health_buffer(dev, &data, &len);
	if (r >= 0) {
		r = feed(an, "health.buffer", data, len);
		free(data);
		data = NULL;
		if (r < 0)
			goto out;
	} else if (r != -EOPNOTSUPP) {
		cli_warn("health", "'%s': health buffer: %s: %s", spec, fw_strerror(r, eb, sizeof(eb)),
			 fw_ctx_errmsg(ctx));
	}
	fw_ctx_clear_error(ctx);
	r = fw_device_health_reporters(dev, &reps, &n);
	if (r < 0) {
		if (r != -EOPNOTSUPP)
			cli_warn("health", "'%s': reporters: %s: %s", spec,
				 fw_strerror(r, eb, sizeof(eb)), fw_ctx_errmsg(ctx));
		n = 0;
	}
	for (size_t i = 0; i < n; i++) {
		char kind[FW_DEVLINK_NAME_MAX + 32];
		struct hrep *hr = rep_get(h, reps[i].name);

		if (!hr) {
			r = -ENOMEM;
			goto out;
		}
		h->any = true;
		hr->have_state = true;
		hr->error = reps[i].state != 0;
		hr->errors = reps[i].error_count;
		hr->recovers = reps[i].recover_count;
		hr->has_dump = reps[i].has_dump;
		hr->dump_ts_ns = reps[i].dump_ts_ns;
		fw_ctx_clear_error(ctx);
		r = fw_device_health_diagnose(dev, reps[i].name, &data, &len);
		if (r < 0) {
			/* A reporter without a diagnose method is usual. */
			if (r != -EOPNOTSUPP)
				cli_warn("health", "'%s': diagnose of '%s': %s: %s", spec, reps[i].name,
					 fw_strerror(r, eb, sizeof(eb)), fw_ctx_errmsg(ctx));
			continue;
		}
		snprintf(kind, sizeof(kind), "health.%s.diagnose", reps[i].name);
		hr->have_diag = true;
		r = feed(an, kind, data, len);
		free(data);
		data = NULL;
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	free(reps);
	analyze_free(an);
	fw_device_close(dev);
	return r;
}

/* ----------------------------------------------------------------- run */

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_JSON_LONGOPTS,
		CLI_DB_LONGOPT,
		{ "device", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct analyze_sink sink = {
		.device = on_device,
		.health = on_health,
		.problem = on_problem,
	};
	struct cli_json json = { 0 };
	struct cli_tally t = { 0 };
	const char **args;
	bool *is_dev;
	size_t nargs = 0;
	int c, rc;

	args = calloc((size_t)argc + 1, sizeof(*args));
	is_dev = calloc((size_t)argc + 1, sizeof(*is_dev));
	if (!args || !is_dev) {
		free(args);
		free(is_dev);
		fprintf(stderr, "fwbox health: out of memory\n");
		return CLI_EXIT_FAILURE;
	}
	optind = 1;
	opterr = 0; /* one message, ours */
	while ((c = getopt_long(argc, argv, "d:" CLI_JSON_SHORTOPTS, longopts, NULL)) != -1) {
		if (c == CLI_OPT_DB) {
			cli_set_db(optarg);
			continue;
		}
		if (c == 'd') {
			is_dev[nargs] = true;
			args[nargs++] = optarg;
			continue;
		}
		if (!cli_json_option(&json, c)) {
			free(args);
			free(is_dev);
			return cli_option_error(&cli_verb_health, argv, "d:" CLI_JSON_SHORTOPTS);
		}
	}
	for (int i = optind; i < argc; i++) {
		is_dev[nargs] = looks_like_device(argv[i]);
		args[nargs++] = argv[i];
	}
	if (!nargs) {
		free(args);
		free(is_dev);
		return cli_usage_error(&cli_verb_health, "expected a BUNDLE or a DEVICE");
	}
	cli_catch_signals(ctx);
	for (size_t i = 0; i < nargs && !fw_ctx_cancelled(ctx); i++) {
		struct hreport h;
		char vtext[1024];
		enum verdict v;
		int r;

		memset(&h, 0, sizeof(h));
		h.arg = args[i];
		h.cur_rep = -1;
		fw_ctx_clear_error(ctx);
		if (is_dev[i])
			r = read_device(ctx, args[i], &sink, &h);
		else
			r = cli_analyze(ctx, args[i], "health.", &sink, &h, h.uuid);
		if (r < 0) {
			if (is_dev[i])
				cli_fail(ctx, "health", "device '%s'", args[i]);
			else
				cli_error(ctx, "health");
			hreport_free(&h);
			t.failed++;
			continue;
		}
		t.ok++;
		if (!h.any) {
			/* Read, but nothing to judge: counted as no record. */
			hreport_free(&h);
			continue;
		}
		t.records++;
		v = judge(&h, vtext, sizeof(vtext));
		if (json.on)
			emit_json(&json, &h, is_dev[i], v, vtext);
		else
			print_text(&h, is_dev[i], v, vtext);
		if (!json.on && i + 1 < nargs)
			printf("\n");
		hreport_free(&h);
	}
	rc = cli_tally_exit(&t, "health", "health buffer or reporter", (int)nargs, (char **)args);
	free(args);
	free(is_dev);
	return rc;
}

const struct cli_verb cli_verb_health = {
	.name = "health",
	.summary = "decode the health buffer and reporters, with the fatal verdict",
	.usage = "Usage: fwbox health [--db PATH] [-j|--json] [-p|--pretty] [-d DEVICE]...\n"
		 "                    [BUNDLE|DEVICE]...\n"
		 "\n"
		 "Decode the health buffer and the devlink health reporters (state, counters,\n"
		 "stored dump, diagnose) of each BUNDLE, or read them live from each DEVICE\n"
		 "(emu:SPEC, pci/ADDRESS, a PCI address, a /dev node), and say in words whether\n"
		 "the firmware is healthy, reports an error, or is fatal.\n"
		 "\n"
		 "Options:\n"
		 "  -d, --device DEVICE  read this device (for a name that is also a file)\n"
		 "  --db PATH            history for UUID arguments (fwbox(1) CAPTURES)\n"
		 "  -j, --json           one JSON object per input (fields: fwbox-health(1))\n"
		 "  -p, --pretty         indented JSON; implies --json\n"
		 "  -h, --help           show this help\n",
	.run = run,
};
