/* SPDX-License-Identifier: MIT */
/* fwbox show: what a bundle's index says (header, device, artifacts). */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <uuid/uuid.h>

#include "cli/cli.h"

/* Index strings come from the bundle: control bytes (escape sequences)
 * are shown as '?' so a hostile bundle cannot drive the terminal.  Kinds
 * and paths are already restricted by the reader.  Rotates four buffers so
 * one printf can show several fields. */
static const char *str(const char *s)
{
	static char bufs[4][512];
	static unsigned next;
	char *out = bufs[next++ % 4];
	size_t i;

	if (!s)
		return "";
	for (i = 0; s[i] && i < sizeof(bufs[0]) - 4; i++)
		out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
	if (s[i])
		memcpy(out + i, "...", 4);
	else
		out[i] = '\0';
	return out;
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The trigger note of a bundle fwbox watch took. */
static void print_trigger(const struct bundle_trigger *t)
{
	char when[40];

	if (!t)
		return;
	fw_format_utc(t->event_ns, when, sizeof(when));
	printf("Trigger:\n");
	printf("  source:    %s\n", str(t->source));
	printf("  reporter:  %s (%s, error count %" PRIu64 ")\n", str(t->reporter),
	       t->state ? "error" : "healthy", t->error_count);
	printf("  message:   %s\n", str(t->message));
	printf("  event:     %s\n", when);
	printf("  latency:   %.3f ms to the first device read\n", (double)t->latency_ns / 1e6);
	printf("  incident:  %" PRIu64 " event%s%s%s\n", t->incident_events,
	       t->incident_events == 1 ? "" : "s", t->first_of_incident ? ", first capture" : "",
	       t->replayed ? ", acknowledged before a restart" : "");
	printf("  suppressed: %" PRIu64 " since the last capture\n", t->suppressed);
}

static void print_text(struct bundle *b)
{
	const struct bundle_header *h = bundle_get_header(b);
	const struct bundle_device *d = bundle_get_device(b);
	size_t n = bundle_artifact_count(b);
	char uuid[37], when[40];

	uuid_unparse_lower(h->uuid, uuid);
	fw_format_utc(h->created_ns, when, sizeof(when));
	printf("Bundle: %s\n", bundle_path(b));
	printf("  format:    %" PRIu32 "\n", h->format_version);
	printf("  uuid:      %s\n", uuid);
	printf("  created:   %s\n", when);
	printf("  host:      %s\n", str(h->host));
	printf("  fwbox:     %s\n", str(h->fwbox_version));
	printf("  reason:    %s\n", str(h->reason));
	printf("  command:   %s\n", str(h->cmdline));
	if (d) {
		printf("Device:\n");
		printf("  pci:       %s\n", str(d->pci));
		printf("  ids:       %04x:%04x (subsystem %04x:%04x)\n", d->vendor_id, d->device_id,
		       d->subsys_vendor_id, d->subsys_device_id);
		printf("  model:     %s\n", str(d->model));
		printf("  firmware:  %s\n", str(d->fw_version));
		printf("  psid:      %s\n", str(d->psid));
		printf("  board id:  %s\n", str(d->board_id));
		printf("  serial:    %s\n", str(d->serial));
		printf("  kernel:    %s\n", str(d->kernel));
		printf("  driver:    %s\n", str(d->driver));
	} else {
		printf("Device: (none recorded)\n");
	}
	print_trigger(bundle_get_trigger(b));
	printf("Artifacts: %zu\n", n);
	printf("  %-24s %12s  %-8s %s\n", "KIND", "SIZE", "OUTCOME", "REASON");
	for (size_t i = 0; i < n; i++) {
		const struct bundle_artifact *a = bundle_artifact_at(b, i);

		printf("  %-24s %12" PRIu64 "  %-8s %s\n", a->kind, a->size,
		       bundle_outcome_name(a->outcome), str(a->reason));
	}
}

static void add_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v ? json_object_new_string(v) : NULL);
}

static void add_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

static void add_time(struct json_object *o, const char *key, uint64_t ns)
{
	char when[40];

	fw_format_utc(ns, when, sizeof(when));
	add_str(o, key, ns ? when : NULL);
}

static struct json_object *to_json(struct bundle *b)
{
	const struct bundle_header *h = bundle_get_header(b);
	const struct bundle_device *d = bundle_get_device(b);
	struct json_object *root = json_object_new_object();
	struct json_object *jb = json_object_new_object();
	struct json_object *arts = json_object_new_array();
	char uuid[37], buf[2 * FW_LIMIT_REQUEST_BYTES + 1];

	uuid_unparse_lower(h->uuid, uuid);
	add_str(jb, "path", bundle_path(b));
	add_u64(jb, "format_version", h->format_version);
	add_str(jb, "uuid", uuid);
	add_time(jb, "created", h->created_ns);
	add_u64(jb, "created_ns", h->created_ns);
	add_str(jb, "host", h->host);
	add_str(jb, "fwbox_version", h->fwbox_version);
	add_str(jb, "reason", h->reason);
	add_str(jb, "cmdline", h->cmdline);
	json_object_object_add(root, "bundle", jb);

	if (d) {
		struct json_object *jd = json_object_new_object();
		struct json_object *sens = json_object_new_array();

		add_str(jd, "pci", d->pci);
		add_u64(jd, "vendor_id", d->vendor_id);
		add_u64(jd, "device_id", d->device_id);
		add_u64(jd, "subsys_vendor_id", d->subsys_vendor_id);
		add_u64(jd, "subsys_device_id", d->subsys_device_id);
		add_str(jd, "model", d->model);
		add_str(jd, "fw_version", d->fw_version);
		add_str(jd, "psid", d->psid);
		add_str(jd, "board_id", d->board_id);
		add_str(jd, "serial", d->serial);
		add_str(jd, "kernel", d->kernel);
		add_str(jd, "driver", d->driver);
		if (d->sensitive & BUNDLE_DEV_SERIAL)
			json_object_array_add(sens, json_object_new_string("serial"));
		if (d->sensitive & BUNDLE_DEV_HOST)
			json_object_array_add(sens, json_object_new_string("host"));
		if (d->sensitive & BUNDLE_DEV_BOARD_ID)
			json_object_array_add(sens, json_object_new_string("board_id"));
		if (d->sensitive & BUNDLE_DEV_PCI)
			json_object_array_add(sens, json_object_new_string("pci"));
		json_object_object_add(jd, "sensitive", sens);
		json_object_object_add(root, "device", jd);
	} else {
		json_object_object_add(root, "device", NULL);
	}

	if (bundle_get_trigger(b)) {
		const struct bundle_trigger *t = bundle_get_trigger(b);
		struct json_object *jt = json_object_new_object();

		add_str(jt, "source", t->source);
		add_str(jt, "reporter", t->reporter);
		add_str(jt, "state", t->state ? "error" : "healthy");
		add_u64(jt, "error_count", t->error_count);
		add_str(jt, "message", t->message);
		add_time(jt, "event", t->event_ns);
		add_u64(jt, "event_ns", t->event_ns);
		add_u64(jt, "latency_ns", t->latency_ns);
		add_u64(jt, "incident_ns", t->incident_ns);
		add_u64(jt, "incident_events", t->incident_events);
		json_object_object_add(jt, "first_of_incident",
				       json_object_new_boolean(t->first_of_incident));
		json_object_object_add(jt, "replayed", json_object_new_boolean(t->replayed));
		add_u64(jt, "suppressed", t->suppressed);
		add_u64(jt, "suppressed_first_ns", t->suppressed_first_ns);
		add_u64(jt, "suppressed_last_ns", t->suppressed_last_ns);
		json_object_object_add(root, "trigger", jt);
	}
	for (size_t i = 0; i < bundle_artifact_count(b); i++) {
		const struct bundle_artifact *a = bundle_artifact_at(b, i);
		struct json_object *ja = json_object_new_object();

		add_str(ja, "kind", a->kind);
		add_str(ja, "path", a->path);
		add_u64(ja, "size", a->size);
		hex(a->sha256, FW_SHA256_LEN, buf);
		add_str(ja, "sha256", buf);
		add_str(ja, "outcome", bundle_outcome_name(a->outcome));
		add_str(ja, "reason", a->reason);
		json_object_object_add(ja, "err", json_object_new_int(a->err));
		add_u64(ja, "status", a->status);
		add_u64(ja, "syndrome", a->syndrome);
		add_time(ja, "start", a->start_ns);
		add_time(ja, "end", a->end_ns);
		add_str(ja, "interface", a->interface);
		hex(a->request, a->request_len, buf);
		add_str(ja, "request", buf);
		json_object_array_add(arts, ja);
	}
	json_object_object_add(root, "artifacts", arts);
	return root;
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct bundle *b = NULL;
	bool json = false;
	int c, r;

	optind = 1;
	opterr = 0; /* one message, ours */
	while ((c = getopt_long(argc, argv, "j", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		default:
			return cli_option_error(&cli_verb_show, argv, "j");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(&cli_verb_show, "expected one BUNDLE");
	r = bundle_open(ctx, argv[optind], &b);
	if (r < 0)
		return cli_fail(ctx, "show", "cannot read the bundle");
	if (json) {
		struct json_object *o = to_json(b);

		cli_print_json(o);
		json_object_put(o);
	} else {
		print_text(b);
	}
	bundle_close(b);
	return CLI_EXIT_OK;
}

const struct cli_verb cli_verb_show = {
	.name = "show",
	.summary = "print a bundle's header, device and artifact list",
	.usage = "Usage: fwbox show [-j|--json] BUNDLE\n"
		 "\n"
		 "Print what the bundle's index says: the header (uuid, time, host,\n"
		 "reason), the device identity, and one line per artifact (kind, size,\n"
		 "outcome, reason).  Reads the index only; use 'fwbox verify' to check\n"
		 "the members.\n"
		 "\n"
		 "Options:\n"
		 "  -j, --json   print one JSON object with keys bundle, device, artifacts\n"
		 "               (and trigger, for a bundle fwbox watch took)\n"
		 "  -h, --help   show this help\n",
	.run = run,
};
