# The DuckDB side of `motcua bench --index`: loads the facts (not timed), then times the aggregate
# queries equivalent to Motcua's full recompute: per commune, the progress numerator and
# denominator and the ratios behind the dossier indicators. Args: csv, period start, as_of, now (ms).
import sys, time
import duckdb

csv, start, as_of, now = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute(f"CREATE TABLE f AS SELECT * FROM read_csv('{csv}', header=true, nullstr='')")
n = con.execute("SELECT count(*) FROM f").fetchone()[0]
query = f"""
WITH s AS (SELECT * FROM f WHERE received >= {start} AND received < {as_of})
SELECT unit,
  count(*) FILTER (WHERE status <> 3) AS received,
  count(*) FILTER (WHERE status <> 3 AND (
      (ended IS NOT NULL AND ended <= {now} AND ended <= due)
   OR ((ended IS NULL OR ended > {now}) AND least(coalesce(paused, {as_of}), {as_of}) <= due))) AS on_time,
  count(*) FILTER (WHERE status <> 3 AND ended IS NOT NULL AND ended <= {now} AND ended > due) AS late,
  avg(digitized) AS digitized, avg(reused) AS reused, avg(store) AS store, avg(verified) AS verified,
  avg(eresult) FILTER (WHERE paper = 1 AND status IN (9, 10)) AS eresult,
  avg(paid) FILTER (WHERE fee = 1) AS paid,
  avg(CASE WHEN channel = 2 THEN 1 ELSE 0 END) FILTER (WHERE full_online = 1) AS online
FROM s GROUP BY unit ORDER BY unit
"""
best = None
for _ in range(3):
    t = time.perf_counter()
    rows = con.execute(query).fetchall()
    e = time.perf_counter() - t
    best = e if best is None else min(best, e)
threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
print(f"  DuckDB {duckdb.__version__}: {n} rows loaded; the equivalent aggregates for {len(rows)} communes: {best:.3f} s (best of 3, {threads} threads)")
print(f"duckdb_seconds={best:.6f}")
