-- (8) exact: every grid point, stage and count equal.
(TABLE bench_plain EXCEPT ALL TABLE bench_align)
UNION ALL
(TABLE bench_align EXCEPT ALL TABLE bench_plain);
