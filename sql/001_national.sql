-- binalog national schema, version 1 (applied by `binalog push`, recorded
-- in binalog.schema_versions). Every row names the database it came from
-- (`binalog info` shows the identity), so (database_id, entry, revision)
-- names one revision anywhere in the country. Values are thousandths, as
-- stored in each Lapas: exact integers, never floats.

CREATE TABLE binalog.pushes (
    database_id text PRIMARY KEY CHECK (database_id ~ '^[0-9a-f]{32}$'),
    last_seq bigint NOT NULL,
    pushed_at timestamptz NOT NULL
);

-- Reference data, as each Lapas has it now (upserted by id). `seq` is the
-- change feed's number of the newest change received.
CREATE TABLE binalog.sites (
    database_id text NOT NULL, id integer NOT NULL, code text NOT NULL, name text NOT NULL,
    utc_offset integer NOT NULL, seq bigint NOT NULL,
    PRIMARY KEY (database_id, id)
);
CREATE TABLE binalog.partners (
    database_id text NOT NULL, id integer NOT NULL, name text NOT NULL, field text,
    inferred boolean NOT NULL, seq bigint NOT NULL,
    PRIMARY KEY (database_id, id)
);
CREATE TABLE binalog.agreements (
    database_id text NOT NULL, id integer NOT NULL, number text NOT NULL, partner integer NOT NULL,
    signed date NOT NULL, start_date date NOT NULL, end_date date NOT NULL, sites integer[] NOT NULL,
    inferred boolean NOT NULL, seq bigint NOT NULL,
    PRIMARY KEY (database_id, id)
);
CREATE TABLE binalog.programmes (
    database_id text NOT NULL, id integer NOT NULL, name text NOT NULL, sector text NOT NULL,
    site integer NOT NULL, partner integer NOT NULL, agreement integer NOT NULL,
    start_date date NOT NULL, end_date date NOT NULL, status text NOT NULL, seq bigint NOT NULL,
    PRIMARY KEY (database_id, id)
);
-- Officers never arrive with a PIN hash: the feed does not carry one.
CREATE TABLE binalog.officers (
    database_id text NOT NULL, nip text NOT NULL, name text NOT NULL, role text NOT NULL,
    active boolean NOT NULL, sites integer[] NOT NULL, seq bigint NOT NULL,
    PRIMARY KEY (database_id, nip)
);

-- Every revision ever made, partitioned by the month of its activity date
-- (the push creates a month's partition when it first needs it). A
-- revision never changes, so its date is fixed and part of the key.
CREATE TABLE binalog.entry_revisions (
    database_id text NOT NULL, entry bigint NOT NULL, revision integer NOT NULL, supersedes integer,
    program integer NOT NULL, date date NOT NULL, kind text NOT NULL, status text NOT NULL,
    voided boolean NOT NULL, participants integer NOT NULL, officers integer NOT NULL,
    cadets integer NOT NULL, notes text NOT NULL, reason text NOT NULL, recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL, seq bigint NOT NULL,
    PRIMARY KEY (database_id, entry, revision, date)
) PARTITION BY RANGE (date);

CREATE TABLE binalog.quantities (
    database_id text NOT NULL, entry bigint NOT NULL, revision integer NOT NULL, date date NOT NULL,
    position integer NOT NULL, value_milli bigint NOT NULL, unit text NOT NULL, item text NOT NULL,
    PRIMARY KEY (database_id, entry, revision, position, date)
) PARTITION BY RANGE (date);

-- Each entry's newest revision (and its date, to reach its partition).
CREATE TABLE binalog.heads (
    database_id text NOT NULL, entry bigint NOT NULL, revision integer NOT NULL, date date NOT NULL,
    PRIMARY KEY (database_id, entry)
);

CREATE TABLE binalog.verifications (
    database_id text NOT NULL, entry bigint NOT NULL, revision integer NOT NULL,
    verified_by text NOT NULL, verified_at timestamptz NOT NULL, seq bigint NOT NULL,
    PRIMARY KEY (database_id, entry, revision)
);

-- Current entries: each entry's newest revision, unless it voided it.
CREATE VIEW binalog.current_entries AS
SELECT r.*
FROM binalog.heads h
JOIN binalog.entry_revisions r
  ON r.database_id = h.database_id AND r.entry = h.entry AND r.revision = h.revision AND r.date = h.date
WHERE NOT r.voided;

-- Done work per Lapas, programme, partner, month, kind, item and unit,
-- exact (thousandths summed as integers, then divided). Summed first and
-- named after: joined before, the planner multiplied every quantity by
-- every programme of its database. Refreshed by every push that brought
-- changes.
CREATE MATERIALIZED VIEW binalog.monthly_totals AS
SELECT t.database_id,
       s.name AS site,
       s.code AS site_code,
       t.program AS program_id,
       p.name AS program,
       pa.name AS partner,
       t.month,
       t.kind,
       t.item,
       t.unit,
       round(t.milli / 1000, 3) AS total,
       t.entries
FROM (
    SELECT c.database_id, c.program, date_trunc('month', c.date)::date AS month, c.kind, q.item, q.unit,
           sum(q.value_milli) AS milli, count(DISTINCT c.entry) AS entries
    FROM binalog.current_entries c
    JOIN binalog.quantities q
      ON q.database_id = c.database_id AND q.entry = c.entry AND q.revision = c.revision AND q.date = c.date
    WHERE c.status = 'done'
    GROUP BY c.database_id, c.program, date_trunc('month', c.date)::date, c.kind, q.item, q.unit
) t
JOIN binalog.programmes p ON p.database_id = t.database_id AND p.id = t.program
JOIN binalog.sites s ON s.database_id = p.database_id AND s.id = p.site
LEFT JOIN binalog.partners pa ON pa.database_id = p.database_id AND pa.id = p.partner;

CREATE UNIQUE INDEX monthly_totals_key ON binalog.monthly_totals (database_id, program_id, month, kind, item, unit);
CREATE INDEX monthly_totals_month ON binalog.monthly_totals (month, partner);
