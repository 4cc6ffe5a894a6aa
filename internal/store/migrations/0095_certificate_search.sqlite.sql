-- Registry search in milliseconds (issue 18): an FTS5 trigram index over the stored
-- search keys (product_search, vendor_search, both persian.SearchKey output, so the
-- Persian normalisation stays in one place). A query of three characters or more
-- reads the certificates containing every trigram of it in order, and search.go
-- keeps the exact LIKE test on top, so results are exactly as before. The index
-- holds no text of its own (content='certificates'); the triggers keep it in step
-- in the same transaction as the certificate row.
CREATE VIRTUAL TABLE certificate_fts USING fts5(
    product_search, vendor_search,
    content='certificates', content_rowid='id', tokenize='trigram');

CREATE TRIGGER certificate_fts_insert AFTER INSERT ON certificates BEGIN
    INSERT INTO certificate_fts (rowid, product_search, vendor_search)
    VALUES (new.id, new.product_search, new.vendor_search);
END;

CREATE TRIGGER certificate_fts_update AFTER UPDATE OF product_search, vendor_search ON certificates BEGIN
    INSERT INTO certificate_fts (certificate_fts, rowid, product_search, vendor_search)
    VALUES ('delete', old.id, old.product_search, old.vendor_search);
    INSERT INTO certificate_fts (rowid, product_search, vendor_search)
    VALUES (new.id, new.product_search, new.vendor_search);
END;

CREATE TRIGGER certificate_fts_delete AFTER DELETE ON certificates BEGIN
    INSERT INTO certificate_fts (certificate_fts, rowid, product_search, vendor_search)
    VALUES ('delete', old.id, old.product_search, old.vendor_search);
END;

-- Existing certificates.
INSERT INTO certificate_fts (certificate_fts) VALUES ('rebuild');
