-- fwbox history database, schema version 6.
-- One record per firmware message, whatever the source; the events of a
-- format found without a scan.
--
-- From this version the loader matches tracefs lines and the devlink fw
-- reporter's saved traces to the strings-DB format that renders them, so a
-- text event is stored like a ring event (format, parameters), and marks
-- the copies of a message that a bundle holds from more than one source.
-- trace_ev.meta gains three bits:
--   bit 27  duplicate: a more preferred source of the same bundle (ring,
--           then tracefs text, then saved traces) holds the same message
--           (same timestamp, event id and format); trace_events hides it,
--           trace_events_all shows it;
--   bit 28  text: no format is known (no strings DB in the bundle, or none
--           of its formats renders the message); the trace_formats row
--           holds the message itself, '%' doubled;
--   bit 29  ambiguous: matched, but other formats render the message too.
-- trace_bundle_formats counts each message once (duplicates left out);
-- its new column text is 1 for rows that count messages kept as text.
ALTER TABLE trace_bundle_formats ADD COLUMN text INTEGER NOT NULL DEFAULT 0;

-- Text rows loaded before version 6 were stored as text, one "format" per
-- line, and never compared with the ring.  They are marked here (bit 28),
-- counted per bundle in bundles.trace_legacy, and the copies of ring
-- messages among them are marked duplicates: a legacy row whose text a
-- ring row of the same bundle renders, at the same timestamp and event id,
-- or a legacy saved trace with the same text as a legacy tracefs line.
-- They stay text: their strings database is in the bundle file, not here.
ALTER TABLE bundles ADD COLUMN trace_legacy INTEGER;

CREATE TEMP TABLE legacy AS
SELECT b.id AS bundle, e.id AS id, e.ts AS ts, e.meta AS meta, e.fmt AS fmt
FROM bundles b JOIN trace_ev e ON e.id BETWEEN b.ev_first AND b.ev_last
WHERE (e.meta >> 25) & 3 <> 0;
CREATE INDEX temp.legacy_key ON legacy(bundle, ts);

UPDATE trace_ev SET meta = meta | 268435456 WHERE id IN (SELECT id FROM legacy);

CREATE TEMP TABLE legacy_dup AS
SELECT l.id AS id FROM legacy l
JOIN bundles b ON b.id = l.bundle
JOIN trace_formats tf ON tf.id = l.fmt
WHERE EXISTS (SELECT 1 FROM trace_blocks k
	      JOIN trace_ev r ON r.id BETWEEN k.id_lo AND k.id_hi
	      JOIN trace_formats rf ON rf.id = r.fmt
	      WHERE k.bundle = l.bundle AND k.ts_lo BETWEEN l.ts - b.blk_span AND l.ts
	      AND k.ts_hi >= l.ts AND r.ts = l.ts AND (r.meta & 255) = (l.meta & 255)
	      AND (r.meta >> 25) & 3 = 0
	      AND printf(rf.text, r.p0, r.p1, r.p2, r.p3, r.p4, r.p5, r.p6) = printf(tf.text))
   OR ((l.meta >> 25) & 3 = 2
       AND EXISTS (SELECT 1 FROM legacy t WHERE t.bundle = l.bundle AND t.ts = l.ts
		   AND t.fmt = l.fmt AND (t.meta & 255) = (l.meta & 255)
		   AND (t.meta >> 25) & 3 = 1));

UPDATE trace_ev SET meta = meta | 134217728 WHERE id IN (SELECT id FROM legacy_dup);

DELETE FROM trace_bundle_formats WHERE bundle IN (SELECT bundle FROM legacy);
INSERT INTO trace_bundle_formats(bundle, fmt, events, first_event, text)
SELECT b.id, e.fmt, count(*), min(e.id), min((e.meta >> 28) & 1)
FROM bundles b JOIN trace_ev e ON e.id BETWEEN b.ev_first AND b.ev_last
WHERE b.id IN (SELECT bundle FROM legacy) AND (e.meta >> 27) & 1 = 0
GROUP BY b.id, e.fmt;

UPDATE bundles SET trace_legacy = (SELECT count(*) FROM legacy WHERE legacy.bundle = bundles.id)
WHERE id IN (SELECT bundle FROM legacy);

DROP TABLE temp.legacy_dup;
DROP TABLE temp.legacy;

-- Every message once, with its source; duplicates left out.
DROP VIEW trace_events;
CREATE VIEW trace_events AS
SELECT b.id AS bundle,
       b.device AS device,
       e.id - b.ev_first AS seq,
       e.ts AS timestamp,
       (e.meta >> 8) & 1 AS lost,
       e.meta & 255 AS event_id,
       (e.meta >> 12) & 8191 AS tmsn,
       CASE (e.meta >> 25) & 3 WHEN 0 THEN 'ring' WHEN 1 THEN 'text' ELSE 'saved' END AS source,
       e.fmt AS format,
       printf(f.text, e.p0, e.p1, e.p2, e.p3, e.p4, e.p5, e.p6) AS message,
       CASE (e.meta >> 9) & 7
	WHEN 0 THEN json_array()
	WHEN 1 THEN json_array(e.p0)
	WHEN 2 THEN json_array(e.p0, e.p1)
	WHEN 3 THEN json_array(e.p0, e.p1, e.p2)
	WHEN 4 THEN json_array(e.p0, e.p1, e.p2, e.p3)
	WHEN 5 THEN json_array(e.p0, e.p1, e.p2, e.p3, e.p4)
	WHEN 6 THEN json_array(e.p0, e.p1, e.p2, e.p3, e.p4, e.p5)
	ELSE json_array(e.p0, e.p1, e.p2, e.p3, e.p4, e.p5, e.p6)
       END AS parameters,
       1 - ((e.meta >> 28) & 1) AS matched
FROM bundles b
JOIN trace_ev e ON e.id BETWEEN b.ev_first AND b.ev_last
JOIN trace_formats f ON f.id = e.fmt
WHERE (e.meta >> 27) & 1 = 0;

-- Every event of every source, duplicates included (duplicate = 1).
CREATE VIEW trace_events_all AS
SELECT b.id AS bundle,
       b.device AS device,
       e.id - b.ev_first AS seq,
       e.ts AS timestamp,
       (e.meta >> 8) & 1 AS lost,
       e.meta & 255 AS event_id,
       (e.meta >> 12) & 8191 AS tmsn,
       CASE (e.meta >> 25) & 3 WHEN 0 THEN 'ring' WHEN 1 THEN 'text' ELSE 'saved' END AS source,
       e.fmt AS format,
       printf(f.text, e.p0, e.p1, e.p2, e.p3, e.p4, e.p5, e.p6) AS message,
       CASE (e.meta >> 9) & 7
	WHEN 0 THEN json_array()
	WHEN 1 THEN json_array(e.p0)
	WHEN 2 THEN json_array(e.p0, e.p1)
	WHEN 3 THEN json_array(e.p0, e.p1, e.p2)
	WHEN 4 THEN json_array(e.p0, e.p1, e.p2, e.p3)
	WHEN 5 THEN json_array(e.p0, e.p1, e.p2, e.p3, e.p4)
	WHEN 6 THEN json_array(e.p0, e.p1, e.p2, e.p3, e.p4, e.p5)
	ELSE json_array(e.p0, e.p1, e.p2, e.p3, e.p4, e.p5, e.p6)
       END AS parameters,
       1 - ((e.meta >> 28) & 1) AS matched,
       (e.meta >> 27) & 1 AS duplicate,
       (e.meta >> 29) & 1 AS ambiguous
FROM bundles b
JOIN trace_ev e ON e.id BETWEEN b.ev_first AND b.ev_last
JOIN trace_formats f ON f.id = e.fmt;

-- The events of each format, per bundle: trace_postings holds, in chunks,
-- the ids of a format's events in a bundle as a JSON array (the first
-- element the offset from bundles.ev_first, then the gaps), appended as the
-- loader writes them; the index finds a format's chunks.  The store fills
-- the table for bundles loaded before this version (in C, after this
-- file).  trace_format_events unpacks it: filter it with format = N.
CREATE TABLE trace_postings (
	bundle INTEGER NOT NULL REFERENCES bundles(id),
	chunk  INTEGER NOT NULL,
	fmt    INTEGER NOT NULL REFERENCES trace_formats(id),
	ids    TEXT NOT NULL,
	PRIMARY KEY (bundle, chunk)
) WITHOUT ROWID;
CREATE INDEX trace_postings_fmt ON trace_postings(fmt, bundle, chunk);

CREATE VIEW trace_format_events AS
SELECT p.bundle AS bundle, p.fmt AS format,
       b.ev_first + sum(j.value) OVER (PARTITION BY p.bundle, p.fmt, p.chunk ORDER BY j.key) AS id
FROM trace_postings p JOIN bundles b ON b.id = p.bundle, json_each(p.ids) j;
