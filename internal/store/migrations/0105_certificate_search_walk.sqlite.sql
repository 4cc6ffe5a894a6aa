-- Registry search, round three (issue 18): the columns a search tests, in the order
-- a page is read (newest first). A search that matches more than 1,000 certificates
-- walks to its page over this covering index alone instead of reading the wide rows,
-- whose JWS is most of the table; see internal/certify/search_plan.go.
CREATE INDEX certificates_search_walk ON certificates
    (issued_at, id, status, category, holder_id, number, product_search, vendor_search);
