/* SPDX-License-Identifier: MIT */
/*
 * The redaction options `fwbox redact` and `fwbox collect --redact` share
 * (--map, --keep, --drop, --mask, --since, --until, --max-size, --case-id):
 * one parser, so the two verbs accept the same values with the same
 * messages.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "cli/cli.h"

bool cli_redact_option(const struct cli_verb *v, struct cli_redact_args *a, int opt,
		       const char *arg, int *ret_status)
{
	struct redact_options *o = &a->o;
	int r;

	*ret_status = 0;
	switch (opt) {
	case CLI_OPT_MAP:
		o->map_path = arg;
		break;
	case CLI_OPT_KEEP:
	case CLI_OPT_DROP:
		r = cli_append_list(opt == CLI_OPT_KEEP ? &a->keep : &a->drop, arg);
		if (r == -EINVAL) {
			*ret_status = cli_usage_error(v, "--%s needs a kind pattern",
						      opt == CLI_OPT_KEEP ? "keep" : "drop");
			return true;
		}
		if (r < 0) {
			*ret_status = cli_fail(NULL, v->name, "out of memory");
			return true;
		}
		o->keep = a->keep;
		o->drop = a->drop;
		break;
	case CLI_OPT_MASK: {
		const char **nm = realloc(a->mask, (o->n_mask + 1) * sizeof(*nm));

		if (!nm) {
			*ret_status = cli_fail(NULL, v->name, "out of memory");
			return true;
		}
		nm[o->n_mask++] = arg;
		a->mask = nm;
		o->mask = nm;
		break;
	}
	case CLI_OPT_SINCE:
	case CLI_OPT_UNTIL:
		r = cli_parse_u64(arg, opt == CLI_OPT_SINCE ? &o->since : &o->until);
		if (r < 0) {
			*ret_status = cli_usage_error(v, "--%s '%s' is %s",
						      opt == CLI_OPT_SINCE ? "since" : "until", arg,
						      r == -ERANGE ? "out of range (at most "
								     "18446744073709551615)"
								   : "not a device timestamp");
			return true;
		}
		*(opt == CLI_OPT_SINCE ? &o->have_since : &o->have_until) = true;
		break;
	case CLI_OPT_MAX_SIZE:
		if (cli_parse_size(arg, &o->max_size) < 0) {
			*ret_status = cli_usage_error(v, "--max-size '%s' is not a size (bytes, or a "
						      "number with K, M or G)", arg);
			return true;
		}
		break;
	case CLI_OPT_CASE_ID:
		o->case_id = arg;
		break;
	default:
		return false;
	}
	a->given = true;
	return true;
}

void cli_redact_args_free(struct cli_redact_args *a)
{
	free(a->keep);
	free(a->drop);
	free(a->mask);
	a->keep = a->drop = NULL;
	a->mask = NULL;
	a->o.keep = a->o.drop = NULL;
	a->o.mask = NULL;
	a->o.n_mask = 0;
}
