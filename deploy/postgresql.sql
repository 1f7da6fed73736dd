-- The portal's PostgreSQL role and database. Run once as the postgres superuser:
--   sudo -u postgres psql -v password="'…'" -f deploy/postgresql.sql
-- The role owns its database and nothing else; it needs no superuser rights (the migrations
-- create the audit triggers as the owner of the tables).
CREATE ROLE portal LOGIN PASSWORD :password;
CREATE DATABASE portal OWNER portal ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0;
REVOKE ALL ON DATABASE portal FROM PUBLIC;
\connect portal
ALTER SCHEMA public OWNER TO portal;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
