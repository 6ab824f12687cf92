-- fwbox history database, schema version 1.
-- Applied once by the store when PRAGMA user_version < 1, inside one
-- transaction that also sets user_version.  Documented in fwbox-schema(7).

-- One row per physical card.  identity is the key the loader derives:
-- "sn:PSID:SERIAL" when the card has a serial number, else
-- "pci:HOST:PCI:PSID", so a card keeps one row across firmware updates.
CREATE TABLE devices (
	id               INTEGER PRIMARY KEY,
	identity         TEXT NOT NULL UNIQUE,
	serial           TEXT,
	psid             TEXT,
	board_id         TEXT,
	pci              TEXT,
	host             TEXT,
	vendor_id        INTEGER,
	device_id        INTEGER,
	subsys_vendor_id INTEGER,
	subsys_device_id INTEGER,
	model            TEXT
);

-- One row per loaded bundle.  uuid and sha256 (of the whole bundle file)
-- are both unique: loading the same bundle twice conflicts and the loader
-- treats that as "already loaded".  ev_first..ev_last is the contiguous
-- range of trace_ev ids written in the bundle's own transaction (NULL when
-- the bundle has no trace events).
CREATE TABLE bundles (
	id             INTEGER PRIMARY KEY,
	uuid           TEXT NOT NULL UNIQUE,
	sha256         TEXT NOT NULL UNIQUE,
	created        TEXT NOT NULL,
	created_ns     INTEGER NOT NULL,
	host           TEXT,
	reason         TEXT,
	cmdline        TEXT,
	fwbox_version  TEXT,
	format_version INTEGER,
	outcome        TEXT NOT NULL,
	device         INTEGER REFERENCES devices(id),
	fw_version     TEXT,
	kernel         TEXT,
	driver         TEXT,
	file           TEXT,
	file_size      INTEGER,
	loaded         TEXT NOT NULL,
	ev_first       INTEGER,
	ev_last        INTEGER
);
CREATE INDEX bundles_device ON bundles(device, created_ns);

-- One row per indexed member (a collection step and its result).
CREATE TABLE artifacts (
	bundle     INTEGER NOT NULL REFERENCES bundles(id),
	seq        INTEGER NOT NULL,
	kind       TEXT NOT NULL,
	path       TEXT NOT NULL,
	size       INTEGER NOT NULL,
	sha256     TEXT NOT NULL,
	outcome    TEXT NOT NULL,
	reason     TEXT NOT NULL DEFAULT '',
	err        INTEGER NOT NULL DEFAULT 0,
	status     INTEGER NOT NULL DEFAULT 0,
	syndrome   INTEGER NOT NULL DEFAULT 0,
	start_ns   INTEGER,
	end_ns     INTEGER,
	interface  TEXT,
	PRIMARY KEY (bundle, seq)
) WITHOUT ROWID;
CREATE INDEX artifacts_kind ON artifacts(kind, outcome);

-- Trace events, physically compact: each distinct format string is stored
-- once (trace_formats, with an FTS5 index), and an event row holds only its
-- timestamp, the format id, one packed integer and its parameters.
--   meta = event_id | lost << 8 | nparams << 9 | tmsn << 12 | source << 25
-- (source: 0 the raw ring, 1 tracefs text, 2 the devlink fw reporter's
-- saved traces).
-- Rows are appended in id order, one bundle at a time, so a bundle's events
-- are the id range bundles.ev_first..ev_last and no per-row bundle column or
-- secondary index is needed.  trace_blocks summarises every run of up to
-- 256 events (time span and id span) for time-window queries.
CREATE TABLE trace_formats (
	id   INTEGER PRIMARY KEY,
	text TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE trace_formats_fts USING fts5(
	text, content='trace_formats', content_rowid='id'
);
CREATE TRIGGER trace_formats_ai AFTER INSERT ON trace_formats BEGIN
	INSERT INTO trace_formats_fts(rowid, text) VALUES (new.id, new.text);
END;

CREATE TABLE trace_ev (
	id   INTEGER PRIMARY KEY,
	ts   INTEGER NOT NULL,
	fmt  INTEGER NOT NULL,
	meta INTEGER NOT NULL,
	p0, p1, p2, p3, p4, p5, p6
);

CREATE TABLE trace_blocks (
	bundle INTEGER NOT NULL,
	ts_lo  INTEGER NOT NULL,
	ts_hi  INTEGER NOT NULL,
	id_lo  INTEGER NOT NULL,
	id_hi  INTEGER NOT NULL,
	PRIMARY KEY (bundle, ts_lo, id_lo)
) WITHOUT ROWID;

-- The logical view: one row per event, message rendered on demand with
-- SQLite's printf() from the interned format.
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
       END AS parameters
FROM bundles b
JOIN trace_ev e ON e.id BETWEEN b.ev_first AND b.ev_last
JOIN trace_formats f ON f.id = e.fmt;

-- Decoded register fields, one row per field of each register read.
CREATE TABLE register_fields (
	bundle    INTEGER NOT NULL REFERENCES bundles(id),
	register  TEXT NOT NULL,
	instance  INTEGER NOT NULL DEFAULT 0,
	field     TEXT NOT NULL,
	value,
	enum_name TEXT,
	PRIMARY KEY (bundle, register, instance, field)
) WITHOUT ROWID;

-- CR-space images, stored as chunks of up to 1024 32-bit words (big-endian
-- in the blob) rather than a row per word; crspace_words unpacks them.
-- source is the artifact kind the image came from ('crspace', or a health
-- reporter's crdump), so two images of one bundle never collide.
CREATE TABLE crspace_chunks (
	id     INTEGER PRIMARY KEY,
	bundle INTEGER NOT NULL REFERENCES bundles(id),
	source TEXT NOT NULL,
	addr   INTEGER NOT NULL,
	data   BLOB NOT NULL,
	UNIQUE (bundle, source, addr)
);

CREATE VIEW crspace_words AS
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1023)
SELECT c.bundle AS bundle,
       c.source AS source,
       c.addr + 4 * n.i AS address,
       (SELECT sum((instr('0123456789ABCDEF', substr(h.x, k.j + 1, 1)) - 1) << (4 * (7 - k.j)))
	FROM (SELECT hex(substr(c.data, 4 * n.i + 1, 4)) AS x) h,
	     (SELECT 0 AS j UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3
	      UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7) k
       ) AS value
FROM crspace_chunks c JOIN n ON n.i < length(c.data) / 4;

-- Resource-dump segments (one row per segment record).
CREATE TABLE segments (
	bundle       INTEGER NOT NULL REFERENCES bundles(id),
	seq          INTEGER NOT NULL,
	dump         TEXT NOT NULL,
	segment_type INTEGER NOT NULL,
	name         TEXT,
	index1       INTEGER,
	index2       INTEGER,
	size         INTEGER NOT NULL,
	data         BLOB,
	PRIMARY KEY (bundle, seq)
) WITHOUT ROWID;

-- Health: reporter states, counters, syndromes, health-buffer items.
CREATE TABLE health (
	bundle   INTEGER NOT NULL REFERENCES bundles(id),
	seq      INTEGER NOT NULL,
	source   TEXT NOT NULL,
	item     TEXT NOT NULL,
	value,
	PRIMARY KEY (bundle, seq)
) WITHOUT ROWID;

-- Firmware history per card: every capture with its firmware version and
-- whether it differs from the previous capture of the same card.
CREATE VIEW fw_history AS
SELECT d.id AS device, d.identity, d.serial, d.psid, b.created, b.uuid AS bundle_uuid,
       b.fw_version,
       CASE WHEN lag(b.fw_version) OVER w IS NULL THEN 1
	    WHEN lag(b.fw_version) OVER w <> b.fw_version THEN 1 ELSE 0 END AS changed
FROM bundles b JOIN devices d ON d.id = b.device
WINDOW w AS (PARTITION BY b.device ORDER BY b.created_ns, b.id);

-- Collection steps that did not fully succeed.
CREATE VIEW failed_steps AS
SELECT b.uuid AS bundle_uuid, b.created, d.identity AS device, a.kind, a.outcome,
       a.reason, a.err, a.status, a.syndrome
FROM artifacts a JOIN bundles b ON b.id = a.bundle
LEFT JOIN devices d ON d.id = b.device
WHERE a.outcome IN ('failed', 'partial');

-- The most recent capture of each card.
CREATE VIEW latest_capture AS
SELECT d.id AS device, d.identity, d.serial, d.psid, b.uuid AS bundle_uuid, b.created,
       b.fw_version, b.outcome
FROM devices d JOIN bundles b ON b.device = d.id
WHERE b.id = (SELECT b2.id FROM bundles b2 WHERE b2.device = d.id
	      ORDER BY b2.created_ns DESC, b2.id DESC LIMIT 1);
