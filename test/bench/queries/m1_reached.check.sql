-- (1) exact: same stages, same counts.
(TABLE bench_plain EXCEPT ALL TABLE bench_align)
UNION ALL
(TABLE bench_align EXCEPT ALL TABLE bench_plain);
