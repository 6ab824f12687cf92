/* SPDX-License-Identifier: MIT */
/*
 * collect-step-health: what a reset destroys first.  The health buffer of
 * the initialization segment, and every devlink health reporter: its state
 * (in the shape of `devlink -j health show`), its diagnose, and the dump
 * the kernel already stored, never a new one.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "collect/collect-internal.h"
#include "core/text.h"

/* JSON output must be valid UTF-8, but paths, reasons and device names
 * are bytes: fw_utf8_sanitize() replaces each invalid sequence. */
static struct json_object *json_text(const char *s)
{
	char *t = fw_utf8_sanitize(s, strlen(s));
	struct json_object *j = t ? json_object_new_string(t) : NULL;

	free(t);
	return j;
}

/* Reporter states in the shape of `devlink -j health show`, so the health
 * decoder reads them like an iproute2 capture. */
static int reporters_json(struct fw_ctx *ctx, const struct fw_device_info *info,
			  const struct fw_health_reporter *rep, size_t n, char **ret, size_t *ret_len)
{
	struct json_object *top = json_object_new_object(), *health = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	char handle[FW_DEVLINK_NAME_MAX * 2 + 8];
	const char *s;

	if (!top || !health || !arr) {
		json_object_put(top);
		json_object_put(health);
		json_object_put(arr);
		return fw_error(ctx, -ENOMEM, "health.reporters: out of memory building the JSON");
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "reporter", json_text(rep[i].name));
		json_object_object_add(o, "state",
				       json_object_new_string(rep[i].state == 0 ? "healthy" : "error"));
		json_object_object_add(o, "error", json_object_new_int64((int64_t)rep[i].error_count));
		json_object_object_add(o, "recover",
				       json_object_new_int64((int64_t)rep[i].recover_count));
		json_object_object_add(o, "has_dump", json_object_new_boolean(rep[i].has_dump));
		if (rep[i].has_dump)
			json_object_object_add(o, "dump_ts_ns",
					       json_object_new_int64((int64_t)rep[i].dump_ts_ns));
		json_object_array_add(arr, o);
	}
	/* Keyed by the devlink handle, as `devlink -j health show` is; a
	 * device that did not say registers as its PCI function. */
	if (info->devlink[0])
		snprintf(handle, sizeof(handle), "%s", info->devlink);
	else
		snprintf(handle, sizeof(handle), "pci/%s", info->pci);
	json_object_object_add(health, handle, arr);
	json_object_object_add(top, "health", health);
	s = json_object_to_json_string_ext(top, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	*ret = strdup(s);
	json_object_put(top);
	if (!*ret)
		return fw_error(ctx, -ENOMEM, "health.reporters: out of memory building the JSON");
	*ret_len = strlen(*ret);
	return 0;
}

int collect_step_health_buffer(struct collect *c, const struct collect_step *s)
{
	void *data = NULL;
	size_t len = 0;
	int r;

	fw_ctx_clear_error(c->ctx);
	r = fw_device_health_buffer(c->dev, &data, &len);
	return collect_emit_blob(c, s->kind, fw_device_interface(c->dev, FW_PART_HEALTH), r, data, len);
}

int collect_step_health_reporters(struct collect *c, const struct collect_step *s)
{
	struct fw_health_reporter *rep = NULL;
	const char *hif = fw_device_interface(c->dev, FW_PART_HEALTH);
	char kind[COLLECT_KIND_MAX];
	char *text = NULL;
	size_t n = 0, len = 0;
	int r;

	(void)s;
	fw_ctx_clear_error(c->ctx);
	r = fw_device_health_reporters(c->dev, &rep, &n);
	if (r >= 0) {
		r = reporters_json(c->ctx, &c->info, rep, n, &text, &len);
		if (r == -ENOMEM)
			goto out;
	}
	r = collect_emit_blob(c, "health.reporters", hif, r, text, len);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < n && !fw_ctx_cancelled(c->ctx); i++) {
		void *data = NULL;
		size_t dlen = 0;

		snprintf(kind, sizeof(kind), "health.%s.diagnose", rep[i].name);
		fw_ctx_clear_error(c->ctx);
		if (collect_skipped(c, kind)) {
			r = collect_emit_excluded(c, kind);
		} else {
			r = fw_device_health_diagnose(c->dev, rep[i].name, &data, &dlen);
			r = collect_emit_blob(c, kind, hif, r, data, dlen);
		}
		if (r < 0)
			goto out;
		/* Only a dump the kernel already holds: asking for one when the
		 * slot is empty would make the firmware take a new one. */
		if (!rep[i].has_dump)
			continue;
		snprintf(kind, sizeof(kind), "health.%s", rep[i].name);
		data = NULL;
		dlen = 0;
		fw_ctx_clear_error(c->ctx);
		if (collect_skipped(c, kind)) {
			r = collect_emit_excluded(c, kind);
		} else {
			r = fw_device_health_dump(c->dev, rep[i].name, &data, &dlen);
			r = collect_emit_blob(c, kind, hif, r, data, dlen);
		}
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	free(rep);
	return r;
}
