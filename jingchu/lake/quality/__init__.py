"""Quality audits of the lake (质量自动稽核): the rule library (library, checks_*), the rule file
(rulefile), the single-pass SQL engine (engine) and its row-by-row reference (reference).
Nothing here needs the database except queries.py; docs/lake-quality.md describes it all."""
