-- Registry search in milliseconds (issue 18): an FTS5 trigram index over the stored
-- search keys (product_search, vendor_search, both persian.SearchKey output, so the
-- Persian normalisation stays in one place). With case_sensitive 1 a query of three
-- characters or more, as one phrase, matches exactly the keys that contain it, which
-- is what the former LIKE test found (both sides are SearchKey output, lower case);
-- TestSearchFTSAgreesWithLike compares the two.
-- The table keeps its own narrow copy of the keys and of the columns a search
-- filters and sorts on (UNINDEXED), so a search that matches thousands of
-- certificates never reads their wide rows (the JWS); the triggers keep the copy in
-- step in the same transaction as the certificate row.
CREATE VIRTUAL TABLE certificate_fts USING fts5(
    product_search, vendor_search,
    issued_at UNINDEXED, status UNINDEXED, category UNINDEXED, holder_id UNINDEXED,
    tokenize='trigram case_sensitive 1');

CREATE TRIGGER certificate_fts_insert AFTER INSERT ON certificates BEGIN
    INSERT INTO certificate_fts (rowid, product_search, vendor_search, issued_at, status, category, holder_id)
    VALUES (new.id, new.product_search, new.vendor_search, new.issued_at, new.status, new.category, new.holder_id);
END;

CREATE TRIGGER certificate_fts_update
AFTER UPDATE OF product_search, vendor_search, issued_at, status, category, holder_id ON certificates BEGIN
    UPDATE certificate_fts SET product_search = new.product_search, vendor_search = new.vendor_search,
        issued_at = new.issued_at, status = new.status, category = new.category, holder_id = new.holder_id
    WHERE rowid = old.id;
END;

CREATE TRIGGER certificate_fts_delete AFTER DELETE ON certificates BEGIN
    DELETE FROM certificate_fts WHERE rowid = old.id;
END;

-- Existing certificates.
INSERT INTO certificate_fts (rowid, product_search, vendor_search, issued_at, status, category, holder_id)
SELECT id, product_search, vendor_search, issued_at, status, category, holder_id FROM certificates;
