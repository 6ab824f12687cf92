-- fwbox history database, schema version 5.
-- triggers: what made fwbox watch take a bundle (the index's trigger note,
-- fwbox-bundle(5)), including what it did not capture on that card before
-- it (suppressed, first and last time).  The suppressions view lists the
-- captures that had suppressed events before them.
CREATE TABLE triggers (
	bundle               INTEGER PRIMARY KEY REFERENCES bundles(id),
	source               TEXT NOT NULL,
	reporter             TEXT NOT NULL,
	state                TEXT NOT NULL,
	error_count          INTEGER NOT NULL,
	message              TEXT,
	event                TEXT,
	event_ns             INTEGER,
	latency_ns           INTEGER,
	incident_ns          INTEGER,
	incident_events      INTEGER NOT NULL,
	first_of_incident    INTEGER NOT NULL,
	replayed             INTEGER NOT NULL,
	suppressed           INTEGER NOT NULL,
	suppressed_first     TEXT,
	suppressed_first_ns  INTEGER,
	suppressed_last      TEXT,
	suppressed_last_ns   INTEGER
);
CREATE VIEW suppressions AS
SELECT b.uuid AS bundle_uuid, b.created, d.identity, d.pci, t.reporter,
       t.suppressed AS count, t.suppressed_first AS first, t.suppressed_last AS last,
       t.incident_events
FROM triggers t JOIN bundles b ON b.id = t.bundle LEFT JOIN devices d ON d.id = b.device
WHERE t.suppressed > 0;
