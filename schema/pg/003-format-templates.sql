-- fwbox history on PostgreSQL, schema version 3: trace messages rendered
-- from a template made once per format instead of parsing the format text
-- again for every event.
--
-- Version 1 rendered each message with fwbox_printf(), a PL/pgSQL loop
-- over the format text: about 50 us per event, which made a time window
-- of 1000 events take 60-70 ms of server time for a 2 ms query.  Now each
-- trace_formats row carries, in two generated columns, what SQLite's
-- printf() would do with its text (printf.c of SQLite 3.40, the rules
-- checked against it by tests/cli/run-store-pg-render.sh):
--   tmpl  a format() template: the literal text with % doubled, and for
--         the n-th conversion that takes an argument "%n$s" (with "-" and
--         the field width when it has one: format() pads with spaces as
--         printf() does); conversions that take no argument (%%, %n) and
--         those past the seventh argument (which is always missing, so
--         NULL) are rendered into the text; the text ends where printf()
--         stops (an unknown conversion, "%l5d", a lone "%5" at the end);
--   spec  one integer per argument, the conversion without its width:
--         bits 0-3 the kind (1 %d %i, 2 %u, 3 %x, 4 %X, 5 %o, 6 %p,
--         7 %c, 8 %s %z, 9 %q %w, 10 %Q; 0 unused), 4-5 the sign of a
--         non-negative %d (1 '+', 2 ' '), 6 the ',' thousands flag, 7 the
--         '#' flag, 8-19 the minimum number of digits (printf's precision,
--         or the width with the '0' flag) plus one (or the precision of
--         %c %s %q %Q plus one), 20 one digit fewer for a negative %d
--         (the '-' takes the place of a '0').
-- A format printf() would read a width or precision from an argument for
-- ("%*d", "%.*s"), or with a floating-point or ordinal conversion (%f %e
-- %g %r), or a width or precision over 4000, has NULL there and is still
-- rendered by fwbox_printf().  fwbox_render() is the one entry point, used
-- by the trace_events view and the named queries; the functions it calls
-- are SQL functions PostgreSQL inlines into the query, so a message costs
-- one format() call and a few expression steps per argument.

-- One argument of a conversion (spec above; v NULL when the event has no
-- such parameter), without the field width.
CREATE FUNCTION fwbox_digits(t text, n integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN length(t) < n THEN lpad(t, n, '0') ELSE t END;

-- SQLite's ',' flag: a comma every three digits from the right, zeros of
-- the precision included.
CREATE FUNCTION fwbox_thousands(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN reverse(regexp_replace(reverse(t), '[0-9]{3}(?=[0-9])', chr(92) || '&,', 'g'));

-- Octal of the 64 bits of v as an unsigned number.
CREATE FUNCTION fwbox_octal(v bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
	u numeric := v::numeric;
	s text := '';
BEGIN
	IF u < 0 THEN
		u := u + 18446744073709551616;
	END IF;
	LOOP
		s := (u % 8)::text || s;
		u := div(u, 8);
		EXIT WHEN u = 0;
	END LOOP;
	RETURN s;
END
$$;

-- Every conversion.  PL/pgSQL plans each statement when it first runs,
-- so a session pays only for the kinds it meets.
CREATE FUNCTION fwbox_arg_full(s integer, v bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
	k int := s & 15;
	n int := ((s >> 8) & 4095) - 1;
	t text;
BEGIN
	IF k = 0 THEN
		RETURN NULL;
	ELSIF k = 1 THEN
		v := coalesce(v, 0);
		IF v < 0 THEN
			t := substr(v::text, 2);
			n := n - ((s >> 20) & 1);
		ELSE
			t := v::text;
		END IF;
		IF length(t) < n THEN
			t := lpad(t, n, '0');
		END IF;
		IF s & 64 <> 0 THEN
			t := fwbox_thousands(t);
		END IF;
		RETURN CASE WHEN v < 0 THEN '-' WHEN s & 48 = 16 THEN '+'
			    WHEN s & 48 = 32 THEN ' ' ELSE '' END || t;
	ELSIF k <= 6 THEN
		v := coalesce(v, 0);
		IF k = 2 AND v < 0 THEN
			t := (v::numeric + 18446744073709551616)::text;
		ELSIF k = 2 THEN
			t := v::text;
		ELSIF k = 3 THEN
			t := to_hex(v);
		ELSIF k = 5 THEN
			t := fwbox_octal(v);
		ELSE
			t := upper(to_hex(v));
		END IF;
		IF length(t) < n THEN
			t := lpad(t, n, '0');
		END IF;
		IF s & 64 <> 0 THEN
			t := fwbox_thousands(t);
		END IF;
		-- The '#' prefix, outside the digits, and never for 0.
		IF s & 128 <> 0 AND v <> 0 THEN
			t := CASE k WHEN 3 THEN '0x' WHEN 4 THEN '0X' WHEN 5 THEN '0' ELSE '0x' END || t;
		END IF;
		RETURN t;
	ELSIF k = 7 THEN
		-- printf() takes the first character of the argument's text,
		-- as many times as the precision says.
		RETURN repeat(left(coalesce(v::text, ''), 1), greatest(n, 1));
	ELSIF k = 10 AND v IS NULL THEN
		t := 'NULL';
	ELSIF k = 9 THEN
		t := coalesce(v::text, '(NULL)');
	ELSE
		t := coalesce(v::text, '');
	END IF;
	IF n >= 0 THEN
		t := left(t, n);
	END IF;
	IF k = 10 AND v IS NOT NULL THEN
		t := '''' || t || '''';
	END IF;
	RETURN t;
END
$$;

-- One argument: the plain conversions and zero-padded hex inline (most
-- firmware formats use only these), the others through fwbox_arg_full().
CREATE FUNCTION fwbox_arg(s integer, v bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
	WHEN s = 0 THEN NULL
	WHEN s = 1 THEN coalesce(v, 0)::text
	WHEN s = 3 THEN to_hex(coalesce(v, 0))
	WHEN s = 8 THEN coalesce(v::text, '')
	WHEN s & 255 = 3 THEN fwbox_digits(to_hex(coalesce(v, 0)), (s >> 8) - 1)
	WHEN s & 255 = 4 THEN fwbox_digits(upper(to_hex(coalesce(v, 0))), (s >> 8) - 1)
	ELSE fwbox_arg_full(s, v)
END;

-- The template of a format, as SQLite's printf() parses it (the loop of
-- flags, width, precision and 'l'/'ll' of printf.c): see the top.  The
-- search_path is fixed because it calls functions by name and runs for
-- the generated columns, also when pg_restore fills the table.
CREATE FUNCTION fwbox_format_compile(fmt text, OUT tmpl text, OUT spec integer[])
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
DECLARE
	n int := length(fmt);
	i int := 1;
	j int;
	c text;
	args int := 0;
	lft boolean;
	sgn int;
	alt boolean;
	zero boolean;
	th boolean;
	width int;
	prec int;
	kind int;
	npos int;
	nneg int;
	s int;
	piece text;
BEGIN
	tmpl := '';
	spec := ARRAY[0, 0, 0, 0, 0, 0, 0];
	LOOP
		j := strpos(substr(fmt, i), '%');
		IF j = 0 THEN
			tmpl := tmpl || substr(fmt, i);
			RETURN;
		END IF;
		tmpl := tmpl || substr(fmt, i, j - 1);
		i := i + j;
		IF i > n THEN
			-- A '%' at the very end is printed.
			tmpl := tmpl || '%%';
			RETURN;
		END IF;
		lft := false;
		sgn := 0;
		alt := false;
		zero := false;
		th := false;
		width := 0;
		prec := -1;
		c := substr(fmt, i, 1);
		LOOP
			IF c = '-' THEN
				lft := true;
			ELSIF c = '+' THEN
				sgn := 1;
			ELSIF c = ' ' THEN
				sgn := 2;
			ELSIF c = '#' THEN
				alt := true;
			ELSIF c = '!' THEN
				NULL;
			ELSIF c = '0' THEN
				zero := true;
			ELSIF c = ',' THEN
				th := true;
			ELSIF c = 'l' THEN
				i := i + 1;
				c := substr(fmt, i, 1);
				IF c = 'l' THEN
					i := i + 1;
					c := substr(fmt, i, 1);
				END IF;
				EXIT;
			ELSIF c = '*' THEN
				tmpl := NULL;
				spec := NULL;
				RETURN;
			ELSIF c = '.' THEN
				i := i + 1;
				c := substr(fmt, i, 1);
				IF c = '*' THEN
					tmpl := NULL;
					spec := NULL;
					RETURN;
				END IF;
				prec := 0;
				WHILE ascii(c) BETWEEN 48 AND 57 LOOP
					prec := least(prec * 10 + ascii(c) - 48, 100000);
					i := i + 1;
					c := substr(fmt, i, 1);
				END LOOP;
				-- Only 'l' may follow a precision.
				CONTINUE WHEN c = 'l';
				EXIT;
			ELSIF ascii(c) BETWEEN 49 AND 57 THEN
				WHILE ascii(c) BETWEEN 48 AND 57 LOOP
					width := least(width * 10 + ascii(c) - 48, 100000);
					i := i + 1;
					c := substr(fmt, i, 1);
				END LOOP;
				-- Only a precision or 'l' may follow a width.
				CONTINUE WHEN c = '.' OR c = 'l';
				EXIT;
			ELSE
				EXIT;
			END IF;
			i := i + 1;
			c := substr(fmt, i, 1);
			EXIT WHEN c = '';
		END LOOP;
		i := i + 1;
		IF width > 4000 OR prec > 4000 THEN
			tmpl := NULL;
			spec := NULL;
			RETURN;
		END IF;
		IF c = '%' THEN
			tmpl := tmpl || replace(format('%' || CASE WHEN lft THEN '-' ELSE '' END
						       || greatest(width, 1) || 's', '%'), '%', '%%');
			CONTINUE;
		ELSIF c = 'n' THEN
			CONTINUE;
		ELSIF c IN ('f', 'e', 'E', 'g', 'G', 'r') THEN
			tmpl := NULL;
			spec := NULL;
			RETURN;
		END IF;
		kind := CASE c WHEN 'd' THEN 1 WHEN 'i' THEN 1 WHEN 'u' THEN 2 WHEN 'x' THEN 3
			WHEN 'X' THEN 4 WHEN 'o' THEN 5 WHEN 'p' THEN 6 WHEN 'c' THEN 7
			WHEN 's' THEN 8 WHEN 'z' THEN 8 WHEN 'q' THEN 9 WHEN 'w' THEN 9
			WHEN 'Q' THEN 10 END;
		-- Anything else ends the output there, as in printf().
		IF kind IS NULL THEN
			RETURN;
		END IF;
		IF kind <= 6 THEN
			-- The '0' flag: digits up to the width, less the sign.
			IF kind = 1 AND sgn <> 0 THEN
				npos := CASE WHEN zero THEN greatest(prec, width - 1) ELSE prec END;
				nneg := npos;
			ELSIF kind = 1 THEN
				npos := CASE WHEN zero THEN greatest(prec, width) ELSE prec END;
				nneg := CASE WHEN zero THEN greatest(prec, width - 1) ELSE prec END;
			ELSE
				npos := CASE WHEN zero THEN greatest(prec, width) ELSE prec END;
				nneg := npos;
			END IF;
			s := kind | CASE WHEN kind = 1 THEN sgn << 4 ELSE 0 END
			     | CASE WHEN th AND kind <= 2 THEN 64 ELSE 0 END
			     | CASE WHEN alt AND kind >= 3 THEN 128 ELSE 0 END
			     | ((npos + 1) << 8) | ((npos - nneg) << 20);
		ELSE
			s := kind | ((prec + 1) << 8);
		END IF;
		args := args + 1;
		IF args <= 7 THEN
			spec[args] := s;
			tmpl := tmpl || '%' || args || '$' || CASE WHEN width > 0 THEN
				CASE WHEN lft THEN '-' ELSE '' END || width ELSE '' END || 's';
		ELSE
			-- No event has an eighth parameter: printf() sees NULL.
			piece := coalesce(fwbox_arg(s, NULL), '');
			IF width > 0 THEN
				piece := format('%' || CASE WHEN lft THEN '-' ELSE '' END || width || 's', piece);
			END IF;
			tmpl := tmpl || replace(piece, '%', '%%');
		END IF;
	END LOOP;
END
$$;

CREATE FUNCTION fwbox_format_tmpl(fmt text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (fwbox_format_compile(fmt)).tmpl;

CREATE FUNCTION fwbox_format_spec(fmt text) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (fwbox_format_compile(fmt)).spec;

-- Made for every format, old and new: the loader inserts (id, text) and
-- PostgreSQL computes these (no right beyond INSERT needed).
ALTER TABLE trace_formats
	ADD COLUMN tmpl text GENERATED ALWAYS AS (fwbox_format_tmpl(text)) STORED,
	ADD COLUMN spec integer[] GENERATED ALWAYS AS (fwbox_format_spec(text)) STORED;

-- fwbox_printf() (version 1) renders the formats that have no template.
-- A '*' width or precision took the whole 64-bit parameter, and a value
-- past 32 bits stopped the query ("integer out of range"): printf() casts
-- it to a C int; the result is bounded here so that no message asks for
-- gigabytes of padding (SQLite itself fails the statement then).
CREATE FUNCTION fwbox_star(v bigint) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN greatest(least(((coalesce(v, 0) & 4294967295) # 2147483648) - 2147483648, 4000), -4000)::integer;

CREATE OR REPLACE FUNCTION fwbox_printf(fmt text, p bigint[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
	out text := '';
	i int := 1;
	n int := length(fmt);
	k int := 1;
	j int;
	c text;
	flags text;
	width int;
	prec int;
	v bigint;
	s text;
	sign text;
	prefix text;
	u numeric;
BEGIN
	WHILE i <= n LOOP
		j := strpos(substr(fmt, i), '%');
		IF j = 0 THEN
			RETURN out || substr(fmt, i);
		END IF;
		out := out || substr(fmt, i, j - 1);
		i := i + j;
		IF i > n THEN
			RETURN out;
		END IF;
		IF substr(fmt, i, 1) = '%' THEN
			out := out || '%';
			i := i + 1;
			CONTINUE;
		END IF;
		flags := '';
		WHILE i <= n AND strpos('-+ 0#!,', substr(fmt, i, 1)) > 0 LOOP
			flags := flags || substr(fmt, i, 1);
			i := i + 1;
		END LOOP;
		width := 0;
		IF substr(fmt, i, 1) = '*' THEN
			width := fwbox_star(p[k]);
			k := k + 1;
			i := i + 1;
			IF width < 0 THEN
				flags := flags || '-';
				width := -width;
			END IF;
		ELSE
			WHILE i <= n AND substr(fmt, i, 1) BETWEEN '0' AND '9' LOOP
				width := width * 10 + ascii(substr(fmt, i, 1)) - 48;
				i := i + 1;
			END LOOP;
		END IF;
		prec := -1;
		IF substr(fmt, i, 1) = '.' THEN
			i := i + 1;
			prec := 0;
			IF substr(fmt, i, 1) = '*' THEN
				prec := fwbox_star(p[k]);
				k := k + 1;
				i := i + 1;
			ELSE
				WHILE i <= n AND substr(fmt, i, 1) BETWEEN '0' AND '9' LOOP
					prec := prec * 10 + ascii(substr(fmt, i, 1)) - 48;
					i := i + 1;
				END LOOP;
			END IF;
		END IF;
		WHILE i <= n AND strpos('hlLqjzt', substr(fmt, i, 1)) > 0 LOOP
			i := i + 1;
		END LOOP;
		IF i > n THEN
			RETURN out;
		END IF;
		c := substr(fmt, i, 1);
		i := i + 1;
		IF strpos('diuxXocs', c) = 0 THEN
			-- SQLite stops at a conversion it does not know.
			RETURN out;
		END IF;
		v := coalesce(p[k], 0);
		k := k + 1;
		sign := '';
		prefix := '';
		IF c = 's' THEN
			s := coalesce(p[k - 1]::text, '');
			IF prec >= 0 THEN
				s := substr(s, 1, prec);
			END IF;
		ELSIF c = 'c' THEN
			s := chr(CASE WHEN v BETWEEN 1 AND 1114111 THEN v::int ELSE 32 END);
		ELSE
			IF c IN ('d', 'i') THEN
				IF v < 0 THEN
					sign := '-';
					s := trim(leading '-' from v::text);
				ELSE
					s := v::text;
					IF strpos(flags, '+') > 0 THEN
						sign := '+';
					ELSIF strpos(flags, ' ') > 0 THEN
						sign := ' ';
					END IF;
				END IF;
			ELSIF c = 'u' THEN
				u := v::numeric;
				IF u < 0 THEN
					u := u + 18446744073709551616;
				END IF;
				s := u::text;
			ELSIF c IN ('x', 'X') THEN
				s := to_hex(v);
				IF c = 'X' THEN
					s := upper(s);
				END IF;
				IF strpos(flags, '#') > 0 AND v <> 0 THEN
					prefix := '0' || c;
				END IF;
			ELSE
				u := v::numeric;
				IF u < 0 THEN
					u := u + 18446744073709551616;
				END IF;
				s := '';
				WHILE u > 0 LOOP
					s := (u % 8)::text || s;
					u := div(u, 8);
				END LOOP;
				IF s = '' THEN
					s := '0';
				END IF;
				IF strpos(flags, '#') > 0 AND v <> 0 THEN
					prefix := '0';
				END IF;
			END IF;
			IF prec >= 0 AND length(s) < prec THEN
				s := repeat('0', prec - length(s)) || s;
			END IF;
			IF strpos(flags, '0') > 0 AND strpos(flags, '-') = 0
			   AND length(sign || prefix || s) < width THEN
				s := repeat('0', width - length(sign || prefix || s)) || s;
			END IF;
			s := sign || prefix || s;
		END IF;
		IF length(s) < width THEN
			IF strpos(flags, '-') > 0 THEN
				s := s || repeat(' ', width - length(s));
			ELSE
				s := repeat(' ', width - length(s)) || s;
			END IF;
		END IF;
		out := out || s;
	END LOOP;
	RETURN out;
END
$$;

-- A message: what SQLite's printf(text, p0, ..., p6) gives.  STABLE (as
-- format() is) so that PostgreSQL inlines it.
CREATE FUNCTION fwbox_render(text text, tmpl text, spec integer[], p0 bigint, p1 bigint,
			     p2 bigint, p3 bigint, p4 bigint, p5 bigint, p6 bigint) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN tmpl IS NULL THEN fwbox_printf(text, ARRAY[p0, p1, p2, p3, p4, p5, p6])
	    ELSE format(tmpl, fwbox_arg(spec[1], p0), fwbox_arg(spec[2], p1),
			fwbox_arg(spec[3], p2), fwbox_arg(spec[4], p3), fwbox_arg(spec[5], p4),
			fwbox_arg(spec[6], p5), fwbox_arg(spec[7], p6)) END;

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
	       AS parameters
FROM trace_ev e
JOIN bundles b ON b.id = e.bundle
JOIN trace_formats f ON f.id = e.fmt;
