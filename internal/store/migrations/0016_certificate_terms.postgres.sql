-- Registry search index (internal/certify/terms.go): every run of up to four
-- characters of the stored search keys (product_search, vendor_search), so a search
-- reads the few certificates whose names contain the query's first four characters
-- and checks them with the exact LIKE, instead of scanning every certificate.
CREATE TABLE certificate_terms (
    term TEXT COLLATE "C" NOT NULL, -- byte order, so prefix ranges work
    certificate_id BIGINT NOT NULL REFERENCES certificates(id),
    PRIMARY KEY (term, certificate_id)
);

-- Existing certificates: the same grams the Go code writes at issue time.
INSERT INTO certificate_terms (term, certificate_id)
WITH RECURSIVE pos(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM pos WHERE n < 1000)
SELECT DISTINCT substr(k.s, pos.n, 4), k.id
FROM (SELECT id, product_search AS s FROM certificates UNION ALL SELECT id, vendor_search FROM certificates) k
JOIN pos ON pos.n <= length(k.s);
