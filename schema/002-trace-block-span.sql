-- fwbox history database, schema version 2.
-- blk_span: the widest timestamp span (ts_hi - ts_lo) of the bundle's
-- trace_blocks.  A block overlapping [from, to] has ts_lo >= from - blk_span,
-- so a time-window query can bound its trace_blocks index range on both
-- sides instead of scanning every block of the bundle before 'to'.
ALTER TABLE bundles ADD COLUMN blk_span INTEGER;
UPDATE bundles SET blk_span = (SELECT max(ts_hi - ts_lo) FROM trace_blocks
			       WHERE trace_blocks.bundle = bundles.id);
