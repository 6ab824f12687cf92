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

/* The trigger note of a bundle fwbox watch took. */
static void print_trigger(const struct bundle_trigger *t)
{
	char when[48];

	if (!t)
		return;
	if (t->event_ns)
		fw_format_utc(t->event_ns, when, sizeof(when));
	else
		snprintf(when, sizeof(when), "unknown");
	printf("Trigger:\n");
	printf("  source:    %s\n", str(t->source));
	printf("  reporter:  %s (%s, error count %" PRIu64 ")\n", str(t->reporter),
	       t->state ? "error" : "healthy", t->error_count);
	printf("  message:   %s\n", str(t->message));
	printf("  event:     %s\n", when);
	if (t->latency_ns)
		printf("  latency:   %.3f ms to the first device read\n", (double)t->latency_ns / 1e6);
	else
		printf("  latency:   unknown\n");
	printf("  incident:  %" PRIu64 " event%s%s%s\n", t->incident_events,
	       t->incident_events == 1 ? "" : "s", t->first_of_incident ? ", first capture" : "",
	       t->replayed ? ", acknowledged before a restart" : "");
	printf("  suppressed: %" PRIu64 " since the last capture\n", t->suppressed);
}

static void print_text(struct bundle *b)
{
	const struct bundle_header *h = bundle_get_header(b);
	const struct bundle_device *d = bundle_get_device(b);
	size_t n = bundle_artifact_count(b), width = 4;
	char uuid[37], when[48];

	uuid_unparse_lower(h->uuid, uuid);
	if (h->created_ns)
		fw_format_utc(h->created_ns, when, sizeof(when));
	else
		snprintf(when, sizeof(when), "unknown");
	printf("Bundle: %s\n", bundle_path(b));
	printf("  format:    %" PRIu32 "\n", h->format_version);
	printf("  uuid:      %s\n", uuid);
	printf("  created:   %s\n", when);
	printf("  host:      %s\n", str(h->host));
	printf("  fwbox:     %s\n", str(h->fwbox_version));
	printf("  reason:    %s\n", h->reason && h->reason[0] ? str(h->reason) : "-");
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
	if (h->redacted) {
		char from[37], at[48];

		uuid_unparse_lower(h->redacted_from, from);
		if (h->redacted_ns)
			fw_format_utc(h->redacted_ns, at, sizeof(at));
		else
			snprintf(at, sizeof(at), "unknown");
		printf("Redaction:\n");
		printf("  from:      %s\n", from);
		printf("  when:      %s by fwbox %s\n", at, str(h->redact_version));
		printf("  policy:    %s\n", str(h->redact_policy));
		printf("  key id:    %s\n", str(h->redact_key_id));
		if (h->case_id)
			printf("  case:      %s\n", h->case_id);
	}
	if (h->imported) {
		char at[48];

		if (h->imported_ns)
			fw_format_utc(h->imported_ns, at, sizeof(at));
		else
			snprintf(at, sizeof(at), "unknown");
		printf("Import:\n");
		printf("  source:    %s\n", str(h->import_source));
		printf("  when:      %s (the capture time above came from: %s)\n", at,
		       str(h->capture_time_from));
	}
	/* The KIND column is as wide as the longest kind, so a long one
	 * ("resdump.FW_ITERATOR_EXTENDED") does not push its row askew. */
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(bundle_artifact_at(b, i)->kind);

		if (len > width)
			width = len;
	}
	print_trigger(bundle_get_trigger(b));
	printf("Artifacts: %zu\n", n);
	if (h->redacted)
		printf("  %-*s %12s  %-8s %-9s %s\n", (int)width, "KIND", "SIZE", "OUTCOME",
		       "REDACTION", "REASON");
	else
		printf("  %-*s %12s  %-8s %s\n", (int)width, "KIND", "SIZE", "OUTCOME", "REASON");
	for (size_t i = 0; i < n; i++) {
		const struct bundle_artifact *a = bundle_artifact_at(b, i);
		const char *red = bundle_redaction_name(a->redaction);

		if (h->redacted)
			printf("  %-*s %12" PRIu64 "  %-8s %-9s %s\n", (int)width, a->kind, a->size,
			       bundle_outcome_name(a->outcome), red ? red : "-", str(a->reason));
		else
			printf("  %-*s %12" PRIu64 "  %-8s %s\n", (int)width, a->kind, a->size,
			       bundle_outcome_name(a->outcome), str(a->reason));
	}
}

static struct json_object *hex_or_null(const uint8_t *p, size_t n)
{
	char buf[2 * FW_LIMIT_REQUEST_BYTES + 1];

	if (!n)
		return NULL;
	fw_hex(p, n, buf);
	return json_object_new_string(buf);
}

static struct json_object *device_json(const struct bundle_device *d)
{
	struct json_object *jd = json_object_new_object();
	struct json_object *sens = json_object_new_array();

	json_object_object_add(jd, "pci", cli_json_text_or_null(d->pci));
	/* 0 is no PCI vendor or device: the index did not record it. */
	json_object_object_add(jd, "vendor_id", d->vendor_id ? cli_json_int(d->vendor_id) : NULL);
	json_object_object_add(jd, "device_id", d->device_id ? cli_json_int(d->device_id) : NULL);
	json_object_object_add(jd, "subsys_vendor_id",
			       d->subsys_vendor_id ? cli_json_int(d->subsys_vendor_id) : NULL);
	json_object_object_add(jd, "subsys_device_id",
			       d->subsys_device_id ? cli_json_int(d->subsys_device_id) : NULL);
	json_object_object_add(jd, "model", cli_json_text_or_null(d->model));
	json_object_object_add(jd, "fw_version", cli_json_text_or_null(d->fw_version));
	json_object_object_add(jd, "psid", cli_json_text_or_null(d->psid));
	json_object_object_add(jd, "board_id", cli_json_text_or_null(d->board_id));
	json_object_object_add(jd, "serial", cli_json_text_or_null(d->serial));
	json_object_object_add(jd, "kernel", cli_json_text_or_null(d->kernel));
	json_object_object_add(jd, "driver", cli_json_text_or_null(d->driver));
	if (d->sensitive & BUNDLE_DEV_SERIAL)
		json_object_array_add(sens, json_object_new_string("serial"));
	if (d->sensitive & BUNDLE_DEV_HOST)
		json_object_array_add(sens, json_object_new_string("host"));
	if (d->sensitive & BUNDLE_DEV_BOARD_ID)
		json_object_array_add(sens, json_object_new_string("board_id"));
	if (d->sensitive & BUNDLE_DEV_PCI)
		json_object_array_add(sens, json_object_new_string("pci"));
	json_object_object_add(jd, "sensitive", sens);
	return jd;
}

static struct json_object *trigger_json(const struct bundle_trigger *t)
{
	struct json_object *jt = json_object_new_object();

	json_object_object_add(jt, "source", cli_json_text(t->source ? t->source : ""));
	json_object_object_add(jt, "reporter", cli_json_text(t->reporter ? t->reporter : ""));
	json_object_object_add(jt, "state", json_object_new_string(t->state ? "error" : "healthy"));
	json_object_object_add(jt, "error_count", cli_json_int((int64_t)t->error_count));
	json_object_object_add(jt, "message", cli_json_text(t->message ? t->message : ""));
	cli_json_add_time(jt, "event", t->event_ns);
	/* 0 is unknown (an event acknowledged before a restart). */
	json_object_object_add(jt, "latency_ns", t->latency_ns ? cli_json_int((int64_t)t->latency_ns)
							     : NULL);
	cli_json_add_time(jt, "incident", t->incident_ns);
	json_object_object_add(jt, "incident_events", cli_json_int((int64_t)t->incident_events));
	json_object_object_add(jt, "first_of_incident", json_object_new_boolean(t->first_of_incident));
	json_object_object_add(jt, "replayed", json_object_new_boolean(t->replayed));
	json_object_object_add(jt, "suppressed", cli_json_int((int64_t)t->suppressed));
	cli_json_add_time(jt, "suppressed_first", t->suppressed_first_ns);
	cli_json_add_time(jt, "suppressed_last", t->suppressed_last_ns);
	return jt;
}

static struct json_object *artifact_json(const struct bundle_artifact *a)
{
	struct json_object *ja = json_object_new_object();
	char sha[2 * FW_SHA256_LEN + 1];

	fw_hex(a->sha256, FW_SHA256_LEN, sha);
	json_object_object_add(ja, "kind", cli_json_text(a->kind));
	json_object_object_add(ja, "path", cli_json_text(a->path));
	json_object_object_add(ja, "bytes", cli_json_int((int64_t)a->size));
	json_object_object_add(ja, "sha256", json_object_new_string(sha));
	json_object_object_add(ja, "outcome", cli_json_text(bundle_outcome_name(a->outcome)));
	json_object_object_add(ja, "reason", cli_json_text_or_null(a->reason));
	cli_json_add_step(ja, a->err, a->status, a->syndrome, a->start_ns, a->end_ns, a->interface);
	json_object_object_add(ja, "request", hex_or_null(a->request, a->request_len));
	/* What fwbox redact did with it; null in a bundle it did not write. */
	{
		const char *red = bundle_redaction_name(a->redaction);
		bool r = red != NULL;

		fw_hex(a->original_digest, FW_SHA256_LEN, sha);
		json_object_object_add(ja, "redaction", cli_json_text(red));
		json_object_object_add(ja, "field_count", r ? cli_json_int(a->redact_fields) : NULL);
		json_object_object_add(ja, "changed_bytes",
				       r ? cli_json_int((int64_t)a->redact_bytes) : NULL);
		json_object_object_add(ja, "occurrence_count",
				       r ? cli_json_int((int64_t)a->redact_hits) : NULL);
		json_object_object_add(ja, "original_digest", r ? json_object_new_string(sha) : NULL);
	}
	return ja;
}

/* One object per bundle: the header fields at the top, as `fwbox info`
 * prints them for a capture of the history. */
static struct json_object *to_json(struct bundle *b)
{
	const struct bundle_header *h = bundle_get_header(b);
	const struct bundle_device *d = bundle_get_device(b);
	struct json_object *root = json_object_new_object();
	struct json_object *arts = json_object_new_array();
	char uuid[37];

	uuid_unparse_lower(h->uuid, uuid);
	json_object_object_add(root, "path", cli_json_text(bundle_path(b)));
	json_object_object_add(root, "bundle", json_object_new_string(uuid));
	json_object_object_add(root, "format_version", cli_json_int(h->format_version));
	cli_json_add_time(root, "created", h->created_ns);
	json_object_object_add(root, "host", cli_json_text_or_null(h->host));
	json_object_object_add(root, "fwbox_version", cli_json_text_or_null(h->fwbox_version));
	json_object_object_add(root, "reason", cli_json_text_or_null(h->reason));
	json_object_object_add(root, "cmdline", cli_json_text_or_null(h->cmdline));
	json_object_object_add(root, "device", d ? device_json(d) : NULL);
	if (h->redacted) {
		struct json_object *jr = json_object_new_object();
		char from[37];

		uuid_unparse_lower(h->redacted_from, from);
		json_object_object_add(jr, "redacted_from", json_object_new_string(from));
		json_object_object_add(jr, "redact_version", cli_json_text_or_null(h->redact_version));
		json_object_object_add(jr, "policy", cli_json_text_or_null(h->redact_policy));
		json_object_object_add(jr, "key_id", cli_json_text_or_null(h->redact_key_id));
		json_object_object_add(jr, "case_id", cli_json_text_or_null(h->case_id));
		cli_json_add_time(jr, "redacted_at", h->redacted_ns);
		json_object_object_add(root, "redaction", jr);
	} else {
		json_object_object_add(root, "redaction", NULL);
	}
	/* Only in a bundle fwbox watch took. */
	if (bundle_get_trigger(b))
		json_object_object_add(root, "trigger", trigger_json(bundle_get_trigger(b)));
	for (size_t i = 0; i < bundle_artifact_count(b); i++)
		json_object_array_add(arts, artifact_json(bundle_artifact_at(b, i)));
	json_object_object_add(root, "artifacts", arts);
	return root;
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_JSON_LONGOPTS,
		CLI_DB_LONGOPT,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_json json = { 0 };
	int c, shown = 0, failed = 0;

	/* JSON and --db are all it takes. */
	if ((c = cli_getopt(argc, argv, CLI_JSON_SHORTOPTS, longopts, &json)) != -1)
		return cli_option_error(&cli_verb_show, argv, CLI_JSON_SHORTOPTS);
	if (optind >= argc)
		return cli_usage_error(&cli_verb_show, "expected at least one BUNDLE");
	for (int i = optind; i < argc; i++) {
		struct bundle *b = NULL;

		fw_ctx_clear_error(ctx);
		if (cli_bundle_open(ctx, argv[i], &b) < 0) {
			cli_error(ctx, "show");
			failed++;
			continue;
		}
		if (json.on) {
			cli_json_emit(&json, to_json(b));
		} else {
			if (shown)
				putchar('\n');
			print_text(b);
		}
		shown++;
		bundle_close(b);
	}
	if (!failed)
		return CLI_EXIT_OK;
	return shown ? CLI_EXIT_PARTIAL : CLI_EXIT_FAILURE;
}

const struct cli_verb cli_verb_show = {
	.name = "show",
	.summary = "print a bundle's header, device and artifact list",
	.usage = "Usage: fwbox show [--db PATH] [-j|--json] [-p|--pretty] BUNDLE...\n"
		 "\n"
		 "Print what each bundle's index says: the header (uuid, time, host,\n"
		 "reason), the device identity, and one line per artifact (kind, size,\n"
		 "outcome, reason).  Reads the index only; use 'fwbox verify' to check\n"
		 "the members.\n"
		 "\n"
		 "Options:\n"
		 "  --db PATH      history for UUID arguments (fwbox(1) CAPTURES)\n"
		 "  -j, --json     one JSON object per bundle (fields: fwbox-show(1))\n"
		 "  -p, --pretty   indented JSON; implies --json\n"
		 "  -h, --help     show this help\n",
	.run = run,
};
