-- binalog national schema, version 2: items keep their capitals.
--
-- A Lapas now stores an item as typed ("BBI Cilacap") and groups its
-- totals by the item's key, a full Unicode lowercase made by binalog
-- (`domain::text::item_key`). PostgreSQL's lower() depends on the
-- database's locale (under "C" it folds ASCII only), so the keys come from
-- binalog itself: every push sends the key of each item it sends, here.
-- An item pushed by an older binalog has no row: it was stored lowercased,
-- which is its key, so the view takes the item itself (coalesce). Kept
-- apart from `quantities` so that an older binalog, whose COPY knows only
-- the columns of version 1, can still push into this schema.
CREATE TABLE binalog.item_keys (
    item text PRIMARY KEY,
    item_key text NOT NULL
);

-- monthly_totals again, grouped by the item's key: "BBI Cilacap" and "bbi
-- cilacap" of one programme are one line, as in the Lapas' own totals.
-- `item` is the line's spelling: the first stored for that database,
-- programme and key (lowest entry, revision, position), as the Lapas shows
-- it; `item_key` is what the line is keyed by.
DROP MATERIALIZED VIEW binalog.monthly_totals;

CREATE MATERIALIZED VIEW binalog.monthly_totals AS
WITH keyed AS (
    SELECT q.database_id, q.entry, q.revision, q.date, q.position, q.value_milli, q.unit, q.item,
           coalesce(k.item_key, q.item) AS item_key
    FROM binalog.quantities q
    LEFT JOIN binalog.item_keys k ON k.item = q.item
),
names AS (
    SELECT DISTINCT ON (q.database_id, r.program, q.item_key) q.database_id, r.program, q.item_key, q.item
    FROM keyed q
    JOIN binalog.entry_revisions r
      ON r.database_id = q.database_id AND r.entry = q.entry AND r.revision = q.revision AND r.date = q.date
    ORDER BY q.database_id, r.program, q.item_key, q.entry, q.revision, q.position
)
SELECT t.database_id,
       s.name AS site,
       s.code AS site_code,
       t.program AS program_id,
       p.name AS program,
       pa.name AS partner,
       t.month,
       t.kind,
       n.item,
       t.item_key,
       t.unit,
       round(t.milli / 1000, 3) AS total,
       t.entries
FROM (
    SELECT c.database_id, c.program, date_trunc('month', c.date)::date AS month, c.kind, q.item_key, q.unit,
           sum(q.value_milli) AS milli, count(DISTINCT c.entry) AS entries
    FROM binalog.current_entries c
    JOIN keyed q
      ON q.database_id = c.database_id AND q.entry = c.entry AND q.revision = c.revision AND q.date = c.date
    WHERE c.status = 'done'
    GROUP BY c.database_id, c.program, date_trunc('month', c.date)::date, c.kind, q.item_key, q.unit
) t
JOIN names n ON n.database_id = t.database_id AND n.program = t.program AND n.item_key = t.item_key
JOIN binalog.programmes p ON p.database_id = t.database_id AND p.id = t.program
JOIN binalog.sites s ON s.database_id = p.database_id AND s.id = p.site
LEFT JOIN binalog.partners pa ON pa.database_id = p.database_id AND pa.id = p.partner;

CREATE UNIQUE INDEX monthly_totals_key ON binalog.monthly_totals (database_id, program_id, month, kind, item_key, unit);
CREATE INDEX monthly_totals_month ON binalog.monthly_totals (month, partner);
