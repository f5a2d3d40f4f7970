-- Staging tables become UNLOGGED: staged rows are derived from the stored uploads (a worker loads a
-- batch again when a Postgres crash empties them, see src/ingest/restage.ts), and skipping their WAL
-- makes loads much cheaper. New datasets' staging tables are created unlogged.
DO $$
DECLARE
  t regclass;
BEGIN
  FOR t IN
    SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'staging' AND c.relkind = 'r' AND c.relpersistence = 'p'
  LOOP
    EXECUTE format('ALTER TABLE %s SET UNLOGGED', t);
  END LOOP;
END $$;

-- One row in an unlogged table of our own: when a crash empties unlogged tables, it is gone too,
-- which tells the workers to load the lost batches again (src/ingest/restage.ts).
CREATE UNLOGGED TABLE "app"."unlogged_sentinel" (
    "id" INTEGER NOT NULL,
    "written_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),

    CONSTRAINT "unlogged_sentinel_pkey" PRIMARY KEY ("id")
);
INSERT INTO "app"."unlogged_sentinel" ("id") VALUES (1);
