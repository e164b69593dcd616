from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from console.app import create_app
from console.db import database, upgrade_schema
from console.models import Base


def test_alembic_creates_exactly_the_models_tables(tmp_path, clock):
    app = create_app({"INSTANCE": str(tmp_path)}, clock=clock)
    upgrade_schema(app)
    upgrade_schema(app)  # twice is harmless
    engine = database(app).engine
    assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
    with engine.connect() as connection:
        assert connection.execute(text("select version_num from alembic_version")).scalar() == "0002"
        # and the migrated columns and constraints are the models', not only the table names
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_the_database_url_comes_from_the_environment(tmp_path, clock, monkeypatch):
    monkeypatch.setenv("CLASSGUARD_DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    app = create_app({"INSTANCE": str(tmp_path / "instance")}, clock=clock)
    assert app.config["DATABASE_URL"].endswith("elsewhere.db")


def test_config_toml_in_the_instance(tmp_path, clock, monkeypatch):
    monkeypatch.delenv("CLASSGUARD_TLS", raising=False)
    (tmp_path / "config.toml").write_text("TLS = true\nLONG_POLL_SECONDS = 10\nlowercase = 1\n")
    app = create_app({"INSTANCE": str(tmp_path)}, clock=clock)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["LONG_POLL_SECONDS"] == 10
    assert "lowercase" not in app.config
