-- fwbox history on PostgreSQL, schema version 4: wall-clock time of trace
-- events, as schema/007-trace-clock.sql for SQLite.  The clock anchor
-- fwbox collect records (trace.clock: the device tick MTRC_CTRL reports,
-- read between two readings of the host's CLOCK_REALTIME, and the device
-- clock rate from QUERY_HCA_CAP device_frequency_khz) is kept per bundle;
-- trace_events gains utc_ns, the event's UTC time in ns since the epoch:
--   clock_utc_ns + (timestamp - clock_device_ts) * 1e6 / clock_khz
-- NULL for bundles without an anchor.
ALTER TABLE bundles ADD COLUMN clock_device_ts bigint;
ALTER TABLE bundles ADD COLUMN clock_khz bigint;
ALTER TABLE bundles ADD COLUMN clock_utc_ns bigint;
ALTER TABLE bundles ADD COLUMN clock_uncertainty_ns bigint;
ALTER TABLE bundles ADD COLUMN tracefs_clock text;

-- A new column goes last: CREATE OR REPLACE VIEW keeps the others.
CREATE OR REPLACE VIEW trace_events AS
SELECT e.bundle,
       b.device,
       e.seq,
       e.ts AS timestamp,
       (e.meta >> 8) & 1 AS lost,
       e.meta & 255 AS event_id,
       (e.meta >> 12) & 8191 AS tmsn,
       CASE (e.meta >> 25) & 3 WHEN 0 THEN 'ring' WHEN 1 THEN 'text' ELSE 'saved' END AS source,
       e.fmt AS format,
       fwbox_render(f.text, f.tmpl, f.spec, e.p0, e.p1, e.p2, e.p3, e.p4, e.p5, e.p6) AS message,
       to_json((ARRAY[e.p0, e.p1, e.p2, e.p3, e.p4, e.p5, e.p6])[1:(e.meta >> 9) & 7])::text
	       AS parameters,
       CASE WHEN b.clock_khz > 0 THEN b.clock_utc_ns +
	round((e.ts - b.clock_device_ts) * 1000000.0 / b.clock_khz)::bigint END AS utc_ns
FROM trace_ev e
JOIN bundles b ON b.id = e.bundle
JOIN trace_formats f ON f.id = e.fmt;
