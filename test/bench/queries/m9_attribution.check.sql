-- (9) every campaign, credit (3 decimals) and leads touched equal.
(TABLE bench_plain EXCEPT ALL TABLE bench_align)
UNION ALL
(TABLE bench_align EXCEPT ALL TABLE bench_plain);
