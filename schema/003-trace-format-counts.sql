-- fwbox history database, schema version 3.
-- How many events of each format a bundle has, and its first one: answers
-- "which cards logged this message" and "which messages are new" from a few
-- rows per bundle instead of a scan of its events.  The loader fills it;
-- this migration backfills bundles loaded before it.
CREATE TABLE trace_bundle_formats (
	bundle      INTEGER NOT NULL REFERENCES bundles(id),
	fmt         INTEGER NOT NULL REFERENCES trace_formats(id),
	events      INTEGER NOT NULL,
	first_event INTEGER NOT NULL,
	PRIMARY KEY (bundle, fmt)
) WITHOUT ROWID;
CREATE INDEX trace_bundle_formats_fmt ON trace_bundle_formats(fmt);
INSERT INTO trace_bundle_formats(bundle, fmt, events, first_event)
SELECT b.id, e.fmt, count(*), min(e.id)
FROM bundles b JOIN trace_ev e ON e.id BETWEEN b.ev_first AND b.ev_last
GROUP BY b.id, e.fmt;
