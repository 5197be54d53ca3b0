"""The throwaway PostgreSQL server must really start, stop and come back:
outage tests of the bot rely on ``stop()`` making connections fail and
``start()`` restoring the same data on the same port."""

from __future__ import annotations

import psycopg
import pytest
import sqlalchemy

from testkit.postgres import PostgresServer


def test_select_one(postgres_server: PostgresServer) -> None:
    with psycopg.connect(postgres_server.conninfo()) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.execute("SHOW fsync").fetchone() == ("off",)


def test_stop_breaks_connections_and_start_restores_data(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database("outage_check")
    try:
        with psycopg.connect(postgres_server.conninfo("outage_check"), autocommit=True) as conn:
            conn.execute("CREATE TABLE kpi (name text PRIMARY KEY)")
            conn.execute("INSERT INTO kpi VALUES ('nps')")
        port = postgres_server.port

        postgres_server.stop()
        assert not postgres_server.running
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(postgres_server.conninfo("outage_check"), connect_timeout=2)

        postgres_server.start()
        assert postgres_server.port == port
        engine = sqlalchemy.create_engine(url)
        try:
            with engine.connect() as conn:
                assert conn.execute(sqlalchemy.text("SELECT name FROM kpi")).scalar_one() == "nps"
        finally:
            engine.dispose()
    finally:
        postgres_server.start()
        postgres_server.drop_database("outage_check")


def test_postgres_db_fixture_gives_an_empty_database(postgres_db: str) -> None:
    assert postgres_db.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    engine = sqlalchemy.create_engine(postgres_db)
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                sqlalchemy.text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            ).scalar_one()
            assert tables == 0
    finally:
        engine.dispose()
