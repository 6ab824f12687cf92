-- fwbox history on PostgreSQL, schema version 2: fwbox_trace_partition()
-- no longer fails when another loader made the month's partition first.
-- The advisory lock of version 1 orders the loaders, but to_regclass()
-- after it can still answer from a catalog cache that has not seen the
-- other loader's committed CREATE TABLE (taking an advisory lock does not
-- process catalog invalidations, a relation lock does), so the loader
-- that waited tried to create the table again and its bundle was rejected
-- with "relation ... already exists".  A duplicate_table error from the
-- CREATE is that case: the partition exists, which is all the caller
-- wants.  CREATE OR REPLACE keeps the function's owner and grants.
CREATE OR REPLACE FUNCTION fwbox_trace_partition(ns bigint) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
	m timestamp := date_trunc('month', to_timestamp(ns / 1e9) AT TIME ZONE 'UTC');
	name text := 'trace_ev_' || to_char(m, 'YYYYMM');
BEGIN
	IF to_regclass(name) IS NOT NULL THEN
		RETURN name;
	END IF;
	PERFORM pg_advisory_xact_lock(28841712428253186);
	IF to_regclass(name) IS NULL THEN
		BEGIN
			EXECUTE format('CREATE TABLE %I PARTITION OF trace_ev FOR VALUES FROM (%s) TO (%s)',
				       name, extract(epoch FROM m)::bigint * 1000000000,
				       extract(epoch FROM m + interval '1 month')::bigint * 1000000000);
		EXCEPTION WHEN duplicate_table THEN
			NULL;
		END;
	END IF;
	RETURN name;
END
$$;
