-- Registry search, round three (issue 18): the columns a search tests, in the order
-- a page is read (newest first), beside the (issued_at, id) key. A search that
-- matches more than 1,000 certificates counts its first 1,001 matches and walks to
-- its page over this index alone (an index-only scan once the pages are all-visible,
-- as autovacuum leaves them), instead of reading the wide rows, whose JWS is most
-- of the table; see internal/certify/search_plan.go.
CREATE INDEX certificates_search_walk ON certificates (issued_at, id)
    INCLUDE (status, category, holder_id, number, product_search, vendor_search);
