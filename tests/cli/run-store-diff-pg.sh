#!/bin/sh
# run-store-diff.sh with the history on PostgreSQL: the same golden
# answers, and each byte for byte the same as SQLite's for the same bundles.
FWBOX_TEST_BACKEND=pg
export FWBOX_TEST_BACKEND
exec /bin/sh "$top_srcdir/tests/cli/run-store-diff.sh"
