-- Run by test/cron.sh with -v first=N -v leads=M: leads N .. N+M-1, each on
-- one channel, from its first day climbing the ladder a few stages (text
-- labels, so that plain.sql needs no align), one event a day.
\set ON_ERROR_STOP 1
INSERT INTO stage_history
SELECT l, (ARRAY['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer', 'evangelist'])[s]::lead_stage,
       timestamptz '2026-11-01 09:00+00' + (l % 20) * interval '1 day' + s * interval '1 day',
       (ARRAY['ads', 'email', 'events'])[1 + l % 3]
FROM generate_series(:first, :first + :leads - 1) l, generate_series(1, 1 + (l * 7) % 8) s;
