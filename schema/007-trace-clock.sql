-- fwbox history database, schema version 7.
-- Wall-clock time of trace events: the clock anchor fwbox collect records
-- (the trace.clock artifact: the device tick MTRC_CTRL reports, read
-- between two readings of the host's CLOCK_REALTIME, and the device clock
-- rate from QUERY_HCA_CAP device_frequency_khz) is kept per bundle, and
-- the event views gain utc_ns, the event's UTC time in ns since the epoch:
--   clock_utc_ns + (timestamp - clock_device_ts) * 1e6 / clock_khz
-- NULL for bundles without an anchor (collected before, or without the
-- device clock rate).  Its precision: clock_uncertainty_ns plus the device
-- clock's rate error over the distance from the anchor (tens of ppm:
-- about 0.1 s an hour away) and the host's own (NTP) error.
ALTER TABLE bundles ADD COLUMN clock_device_ts INTEGER;
ALTER TABLE bundles ADD COLUMN clock_khz INTEGER;
ALTER TABLE bundles ADD COLUMN clock_utc_ns INTEGER;
ALTER TABLE bundles ADD COLUMN clock_uncertainty_ns INTEGER;
-- The tracefs clock of the bundle's tracefs lines (trace_clock: local,
-- mono, boot ...), as recorded; NULL when unknown.
ALTER TABLE bundles ADD COLUMN tracefs_clock TEXT;

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
       1 - ((e.meta >> 28) & 1) AS matched,
       CASE WHEN b.clock_khz > 0 THEN b.clock_utc_ns +
	CAST(round((e.ts - b.clock_device_ts) * 1000000.0 / b.clock_khz) AS BIGINT) END AS utc_ns
FROM bundles b
JOIN trace_ev e ON e.id BETWEEN b.ev_first AND b.ev_last
JOIN trace_formats f ON f.id = e.fmt
WHERE (e.meta >> 27) & 1 = 0;

DROP VIEW trace_events_all;
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
       (e.meta >> 29) & 1 AS ambiguous,
       CASE WHEN b.clock_khz > 0 THEN b.clock_utc_ns +
	CAST(round((e.ts - b.clock_device_ts) * 1000000.0 / b.clock_khz) AS BIGINT) END AS utc_ns
FROM bundles b
JOIN trace_ev e ON e.id BETWEEN b.ev_first AND b.ev_last
JOIN trace_formats f ON f.id = e.fmt;
