-- pg_temp.load_binary(target, field): loads one field's bytes (a type's
-- send output) into the one-column table target through COPY ... (FORMAT
-- binary): the COPY header, one row of that field, the trailer; 'ok' or
-- the SQLSTATE.
CREATE FUNCTION pg_temp.load_binary(target regclass, field bytea) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY %s FROM PROGRAM %L (FORMAT binary)', target,
                   format('echo %s | base64 -d',
                          translate(encode('\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
                                           || '\x0001'::bytea || int4send(length(field)) || field
                                           || '\xffff'::bytea, 'base64'), E'\n', '')));
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;
