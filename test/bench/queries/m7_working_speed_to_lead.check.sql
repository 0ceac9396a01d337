-- (7) exact: every row and column equal (intervals by =, 1 day = 24 hours).
(TABLE bench_plain EXCEPT ALL TABLE bench_align)
UNION ALL
(TABLE bench_align EXCEPT ALL TABLE bench_plain);
