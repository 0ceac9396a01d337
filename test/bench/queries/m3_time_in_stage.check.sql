-- (3) exact: every row and column equal (no sketch involved; percentile_disc).
(TABLE bench_plain EXCEPT ALL TABLE bench_align)
UNION ALL
(TABLE bench_align EXCEPT ALL TABLE bench_plain);
