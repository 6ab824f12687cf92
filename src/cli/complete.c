/* SPDX-License-Identifier: MIT */
/*
 * fwbox __complete WORD...: the candidates for the last WORD of a command
 * line, one a line, for the bash and zsh completion scripts
 * (completion/fwbox, completion/_fwbox), which stay thin: what a verb
 * takes is known here, from its usage text and the library.  A line
 * "@files" asks the shell for file names, "@bundles" for bundle files
 * (names holding ".tar") and folders.  Errors print nothing: completion
 * must never disturb the command line.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"

static const char *cur;   /* the word being completed */
static const struct cli_verb *const *verbs;
static size_t nverbs;

static void offer(const char *cand)
{
	if (!strncmp(cand, cur, strlen(cur)))
		printf("%s\n", cand);
}

/* The options a verb's usage text names: "-x" and "--long" tokens, each
 * once. */
static void offer_options(const struct cli_verb *v)
{
	char seen[64][40];
	size_t nseen = 0;
	const char *p = v->usage;

	while ((p = strchr(p, '-'))) {
		size_t n = 0;
		bool dup = false;

		if (p > v->usage && (isalnum((unsigned char)p[-1]) || p[-1] == '-' || p[-1] == '\'' ||
				     p[-1] == '$')) {
			p++;
			continue;
		}
		while (n < sizeof(seen[0]) - 1 && (p[n] == '-' || isalnum((unsigned char)p[n])))
			n++;
		/* "-x" or "--long-name": no lone dashes, no "-5", no "--" */
		if (((n == 2 && p[1] != '-') || (n > 2 && p[1] == '-' && isalpha((unsigned char)p[2]))) &&
		    nseen < sizeof(seen) / sizeof(seen[0])) {
			for (size_t i = 0; i < nseen; i++)
				dup = dup || (strlen(seen[i]) == n && !strncmp(seen[i], p, n));
			if (!dup) {
				memcpy(seen[nseen], p, n);
				seen[nseen][n] = '\0';
				offer(seen[nseen++]);
			}
		}
		p += n ? n : 1;
	}
}

static void offer_verbs(void)
{
	for (size_t i = 0; i < nverbs; i++)
		offer(verbs[i]->name);
}

/* Device specs: what discovery finds here, and the emulator's profiles. */
static void offer_devices(struct fw_ctx *ctx)
{
	struct fw_pci_function *list = NULL;
	size_t n = 0;

	if (fw_discover(ctx, "", &list, &n) >= 0) {
		for (size_t i = 0; i < n; i++)
			offer(list[i].pci);
		fw_discover_free(list);
	}
	offer("emu:cx5");
	offer("emu:cx6dx");
	offer("emu:cx7");
}

static int on_capture(void *ud, const struct store_capture *c)
{
	(void)ud;
	if (c->uuid)
		offer(c->uuid);
	return 0;
}

/* Bundle UUIDs of the history (the verb's --db, else the default). */
static void offer_captures(struct fw_ctx *ctx)
{
	struct store *s = NULL;

	/* Only once something hex is typed: a bare TAB lists files. */
	if (!*cur || !isxdigit((unsigned char)cur[0]))
		return;
	if (cli_open_history(ctx, &s, NULL) < 0)
		return;
	store_list_captures(s, NULL, on_capture, NULL);
	store_close(s);
}

static void offer_kinds_of(struct fw_ctx *ctx, const char *bundle)
{
	struct bundle *b = NULL;

	if (cli_bundle_open(ctx, bundle, &b) < 0)
		return;
	for (size_t i = 0; i < bundle_artifact_count(b); i++)
		offer(bundle_artifact_at(b, i)->kind);
	bundle_close(b);
}

static void offer_registers(void)
{
	for (size_t i = 0; i < regcat_count(); i++)
		offer(regcat_at(i)->name);
}

static void offer_named_queries(void)
{
	for (size_t i = 0; i < store_named_query_count(); i++)
		offer(store_named_query_at(i)->name);
}

static bool takes_value(const char *opt)
{
	static const char *const with_value[] = {
		"-d", "--device", "-o", "--output", "--db", "-r", "--sysroot", "--register",
		"--compress", "-f", "--format", "--only", "--skip", "--since", "--until",
		"--reason", "--trace-seconds", "--grep", "-n", "--lines", "--null",
		"--device-hint", "--fw-version", "--strings-from",
	};

	for (size_t i = 0; i < sizeof(with_value) / sizeof(with_value[0]); i++)
		if (!strcmp(opt, with_value[i]))
			return true;
	return false;
}

/* The value an option takes; true if prev is such an option. */
static bool offer_option_value(struct fw_ctx *ctx, const char *verb, const char *prev)
{
	static const char *const families[] = { "health", "trace", "reg", "hca.caps", "crspace",
						"resdump", "kernel.log", "host.info" };

	if (!strcmp(prev, "-d") || !strcmp(prev, "--device")) {
		if (!strcmp(verb, "list"))
			return true; /* a card of the history: nothing cheap to offer */
		offer_devices(ctx);
	} else if (!strcmp(prev, "-o") || !strcmp(prev, "--output") || !strcmp(prev, "--db") ||
		   !strcmp(prev, "-r") || !strcmp(prev, "--sysroot")) {
		if (!strcmp(verb, "regs") && !strcmp(prev, "-r"))
			offer_registers();
		else
			printf("@files\n");
	} else if (!strcmp(prev, "--strings-from")) {
		printf("@bundles\n");
	} else if (!strcmp(prev, "--device-hint") || !strcmp(prev, "--fw-version")) {
		/* free text: a PCI address or serial, a version */
	} else if (!strcmp(prev, "--register")) {
		offer_registers();
	} else if (!strcmp(prev, "--compress")) {
		offer("zstd");
		offer("gzip");
		offer("xz");
		offer("none");
	} else if (!strcmp(prev, "-f") || !strcmp(prev, "--format")) {
		if (!strcmp(verb, "trace")) {
			offer("text");
			offer("json");
			offer("chrome");
		} else {
			offer("table");
			offer("csv");
			offer("json");
		}
	} else if (!strcmp(prev, "--only") || !strcmp(prev, "--skip")) {
		for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
			offer(families[i]);
	} else if (!strcmp(prev, "--since") || !strcmp(prev, "--until") ||
		   !strcmp(prev, "--reason") || !strcmp(prev, "--trace-seconds") ||
		   !strcmp(prev, "--grep") || !strcmp(prev, "-n") || !strcmp(prev, "--lines") ||
		   !strcmp(prev, "--null")) {
		/* free text */
	} else {
		return false;
	}
	return true;
}

int cli_complete(struct fw_ctx *ctx, int argc, char **argv, const struct cli_verb *const *table,
		 size_t ntable)
{
	const struct cli_verb *v = NULL;
	const char *verb, *prev;
	int npos = 0, first_pos = -1;
	bool dashdash = false;

	/* argv: "__complete", then the words after "fwbox", the last being
	 * the one under the cursor (maybe empty). */
	verbs = table;
	nverbs = ntable;
	if (argc < 2)
		return CLI_EXIT_OK;
	argv++;
	argc--;
	cur = argv[argc - 1];
	if (argc == 1) {
		if (cur[0] == '-') {
			offer("--help");
			offer("--version");
		} else {
			offer_verbs();
			offer("help");
		}
		return CLI_EXIT_OK;
	}
	verb = argv[0];
	prev = argv[argc - 2];
	if (!strcmp(verb, "help")) {
		if (argc == 2)
			offer_verbs();
		return CLI_EXIT_OK;
	}
	for (size_t i = 0; i < nverbs; i++)
		if (!strcmp(verbs[i]->name, verb))
			v = verbs[i];
	if (!v)
		return CLI_EXIT_OK;
	/* --db given earlier names the history UUIDs come from. */
	for (int i = 1; i < argc - 1; i++)
		if (!strcmp(argv[i], "--db") && i + 1 < argc - 1)
			cli_set_db(argv[i + 1]);
	if (offer_option_value(ctx, verb, prev))
		return CLI_EXIT_OK;
	/* Which positional argument this is (skipping options and values). */
	for (int i = 1; i < argc - 1; i++) {
		if (!dashdash && !strcmp(argv[i], "--")) {
			dashdash = true;
			continue;
		}
		if (!dashdash && argv[i][0] == '-' && argv[i][1]) {
			/* an option taking a value swallows the next word */
			if (!strchr(argv[i], '=') && i + 1 < argc - 1 &&
			    takes_value(argv[i]))
				i++;
			continue;
		}
		if (first_pos < 0)
			first_pos = i;
		npos++;
	}
	if (!dashdash && cur[0] == '-') {
		offer_options(v);
		return CLI_EXIT_OK;
	}
	if (!strcmp(verb, "query")) {
		if (npos == 0) {
			offer_named_queries();
		} else {
			const struct store_named_query *nq = store_named_query_find(argv[first_pos]);

			if (nq && strstr(nq->args, "BUNDLE"))
				offer_captures(ctx);
		}
	} else if (!strcmp(verb, "extract")) {
		if (npos == 0) {
			printf("@bundles\n");
			offer_captures(ctx);
		} else if (npos == 1) {
			offer_kinds_of(ctx, argv[first_pos]);
		}
	} else if (!strcmp(verb, "load")) {
		printf("@bundles\n");
	} else if (!strcmp(verb, "import")) {
		/* captures of other tools: any file or folder */
		printf("@files\n");
	} else if (!strcmp(verb, "info")) {
		offer_captures(ctx);
		printf("@bundles\n");
	} else if (!strcmp(verb, "regs") && npos > 0 && isupper((unsigned char)cur[0])) {
		offer_registers();
	} else if (!strcmp(verb, "health")) {
		/* a bundle, a capture or a device */
		printf("@bundles\n");
		offer_captures(ctx);
		offer_devices(ctx);
	} else if (!strcmp(verb, "diff") && npos >= 2) {
		/* two captures only */
	} else if (strstr(v->usage, "BUNDLE") || strstr(v->usage, " A B")) {
		printf("@bundles\n");
		offer_captures(ctx);
	}
	return CLI_EXIT_OK;
}
