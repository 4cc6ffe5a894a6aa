-- Registry search in milliseconds (issue 18): pg_trgm GIN indexes over the stored
-- search keys (persian.SearchKey output), which PostgreSQL uses for the very
-- `LIKE '%…%'` test that search.go runs, so results are exactly as before.
--
-- pg_trgm ships with PostgreSQL and is a trusted extension (PostgreSQL 13+), but a
-- server may lack it or the role may not be allowed to create it. This migration
-- must not fail there: without pg_trgm it creates nothing, and search keeps using
-- the certificate_terms index of migration 0016 (correct, slower; see
-- docs/BENCHMARKS.md "Registry search and staff queue, round two").
-- fastupdate is off: certificates are issued a few at a time, and a GIN pending list
-- (flushed only by routine maintenance) would make every search scan it linearly.
-- The extension goes into schema public when that exists, so that dropping some
-- other schema never drops it; the operator class is named with its schema.
DO $$
DECLARE
    ext_schema text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN
                CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
            ELSE
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
            END IF;
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE 'pg_trgm not available (%): registry search uses certificate_terms', SQLERRM;
        END;
    END IF;
    SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    IF ext_schema IS NOT NULL THEN
        EXECUTE format('CREATE INDEX certificates_product_trgm ON certificates USING gin (product_search %I.gin_trgm_ops) WITH (fastupdate = off)', ext_schema);
        EXECUTE format('CREATE INDEX certificates_vendor_trgm ON certificates USING gin (vendor_search %I.gin_trgm_ops) WITH (fastupdate = off)', ext_schema);
    END IF;
END $$;
