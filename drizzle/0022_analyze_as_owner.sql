-- ANALYZE is for a table's owner, and the portal queries as portal_app (0020). An import that
-- changes a table's size needs fresh planner statistics at once (PGlite has no autovacuum to come
-- by later): the portal asks for them through this function, which runs as the owner who
-- migrated, on the portal's own tables only.
CREATE FUNCTION analyze_tables(tables text[]) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  name text;
BEGIN
  FOREACH name IN ARRAY tables LOOP
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_tables WHERE schemaname = 'public' AND tablename = name) THEN
      RAISE EXCEPTION 'analyze_tables: "%" is not a table of the portal', name;
    END IF;
    EXECUTE format('ANALYZE public.%I', name);
  END LOOP;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION analyze_tables(text[]) FROM PUBLIC;
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal_app') THEN
    GRANT EXECUTE ON FUNCTION analyze_tables(text[]) TO portal_app;
  END IF;
END
$$;
