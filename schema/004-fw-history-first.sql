-- fwbox history database, schema version 4.
-- fw_history: a card's first capture is not a firmware change.  Version 1
-- set changed=1 on it too, so "WHERE changed" listed every card's first
-- capture as an update; it now has changed=0 and first=1.
DROP VIEW fw_history;
CREATE VIEW fw_history AS
SELECT d.id AS device, d.identity, d.serial, d.psid, b.created, b.uuid AS bundle_uuid,
       b.fw_version,
       CASE WHEN lag(b.id) OVER w IS NULL THEN 0
	    WHEN lag(b.fw_version) OVER w IS NOT b.fw_version THEN 1 ELSE 0 END AS changed,
       lag(b.id) OVER w IS NULL AS first
FROM bundles b JOIN devices d ON d.id = b.device
WINDOW w AS (PARTITION BY b.device ORDER BY b.created_ns, b.id);
