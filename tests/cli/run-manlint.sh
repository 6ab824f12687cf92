#!/bin/sh
# Lint every man page with mandoc; a warning fails the test.
[ "$MANDOC" != "no" ] && [ -n "$MANDOC" ] || { echo "mandoc not installed, skipping"; exit 77; }
status=0
for m in "$top_srcdir"/man/*.[1-8]; do
	if ! "$MANDOC" -Tlint -W warning "$m"; then
		echo "FAIL: $m"; status=1
	fi
done
exit $status
