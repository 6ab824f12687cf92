#!/bin/sh
# The store's Check suites (tests/unit/test-store-{open,load,query,diff})
# once more, only their "store-pg" cases: the back-end-neutral tests against
# a throwaway PostgreSQL 15 cluster (skipped only when the server is not
# installed).  Each suite must have run at least one test there: a case
# that silently added nothing would otherwise pass.
set -e
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"
scratch
pg_start
for suite in open load query diff; do
	out=$(FWBOX_TEST_PG_HOST=$PG_HOST CK_RUN_CASE=store-pg \
		"$top_builddir/tests/unit/test-store-$suite" 2>&1) || {
		printf '%s\n' "$out" >&2
		fail "test-store-$suite failed on PostgreSQL"
	}
	printf '%s\n' "$out"
	echo "$out" | grep -Eq '^100%: Checks: [1-9][0-9]*, Failures: 0, Errors: 0' ||
		fail "test-store-$suite ran no PostgreSQL test"
done
