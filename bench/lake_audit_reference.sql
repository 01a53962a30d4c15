-- The anchor of bench/lake_audit.py: the standard population rule set written by hand as one
-- DuckDB query over the Parquet file, the way a DuckDB user would write it. Parameters:
-- $path (the file), $audit_date (DATE), $regions (the reference region codes, VARCHAR[]).
-- One row: checked and failed counts of the seven rules.
--
-- The ID: its shape by one regular expression; then the 17-digit body as one BIGINT, so the
-- GB 11643 weighted sum is integer arithmetic (cheaper than 17 substrings); the date from
-- characters 7-14 with try_strptime (NULL for a date that does not exist). Repeated IDs: a
-- grouped pre-aggregate over the ID column, joined in as a scalar. A blank name is one of
-- spaces, ASCII or ideographic (U+3000).
WITH people AS (
    SELECT id_number, birth_date, gender, region_code, phone, name,
           regexp_full_match(id_number, '[0-9]{17}[0-9X]') AS id_shaped
    FROM read_parquet($path)
), parsed AS (
    SELECT *,
           CASE WHEN id_shaped THEN CAST(substr(id_number, 1, 17) AS BIGINT) END AS body,
           CASE WHEN id_shaped
                THEN CAST(try_strptime(substr(id_number, 7, 8), '%Y%m%d') AS DATE) END AS id_birth
    FROM people
), judged AS (
    SELECT *,
           coalesce(id_birth BETWEEN DATE '1900-01-01' AND $audit_date
               AND substr('10X98765432', CAST((
                     body // 10000000000000000 * 7 + body // 1000000000000000 % 10 * 9
                   + body // 100000000000000 % 10 * 10 + body // 10000000000000 % 10 * 5
                   + body // 1000000000000 % 10 * 8 + body // 100000000000 % 10 * 4
                   + body // 10000000000 % 10 * 2 + body // 1000000000 % 10 * 1
                   + body // 100000000 % 10 * 6 + body // 10000000 % 10 * 3
                   + body // 1000000 % 10 * 7 + body // 100000 % 10 * 9
                   + body // 10000 % 10 * 10 + body // 1000 % 10 * 5
                   + body // 100 % 10 * 8 + body // 10 % 10 * 4 + body % 10 * 2
                 ) % 11 AS INTEGER) + 1, 1) = substr(id_number, 18, 1),
           false) AS id_ok
    FROM parsed
), repeated AS (
    SELECT coalesce(sum(copies), 0) AS rows FROM (
        SELECT count(*) AS copies FROM read_parquet($path)
        WHERE id_number IS NOT NULL
        GROUP BY id_number HAVING count(*) > 1)
)
SELECT
    count(id_number) AS id_number_valid_checked,
    count(*) FILTER (id_number IS NOT NULL AND NOT id_ok) AS id_number_valid_failed,
    count(*) FILTER (id_ok AND birth_date IS NOT NULL) AS birth_date_agrees_checked,
    count(*) FILTER (id_ok AND birth_date <> id_birth) AS birth_date_agrees_failed,
    count(*) FILTER (id_ok AND gender IS NOT NULL) AS gender_agrees_checked,
    count(*) FILTER (id_ok AND gender <> CASE WHEN body % 2 = 1 THEN '男' ELSE '女' END)
        AS gender_agrees_failed,
    count(region_code) AS region_code_valid_checked,
    count(*) FILTER (region_code NOT IN (SELECT unnest($regions))) AS region_code_valid_failed,
    count(phone) AS phone_valid_checked,
    count(*) FILTER (NOT regexp_full_match(phone, '1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}'))
        AS phone_valid_failed,
    count(*) AS name_present_checked,
    count(*) FILTER (name IS NULL OR trim(name, ' 　') = '') AS name_present_failed,
    count(id_number) AS id_number_unique_checked,
    any_value((SELECT rows FROM repeated)) AS id_number_unique_failed
FROM judged
