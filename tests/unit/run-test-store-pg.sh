#!/bin/sh
# The store's Check suite (tests/unit/test-store) once more with its
# "store-pg" case: the same tests against a throwaway PostgreSQL 15
# cluster (skipped only when the server is not installed).
set -e
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/cli/pg-lib.sh"
scratch
pg_start
FWBOX_TEST_PG_HOST=$PG_HOST "$top_builddir/tests/unit/test-store"
