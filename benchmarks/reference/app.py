"""The reference: a typical Flask + Flask-SQLAlchemy app, written the way the tutorials write one.

A 100,000-row SQLite table of training institutions, a list page of 20 rows through a Jinja
template that extends a base layout (`/institutions?page=N`, with previous and next links), and a
bare `/hello`. The list does not count the table: a count of 100,000 SQLite rows alone costs
several milliseconds and would hide what is compared here, the cost of rendering a page. Nothing in
the portal imports it; `benchmarks/render.py` serves it with gunicorn beside the portal, so the
portal's pages can be measured as a ratio to it on the same machine in the same run.

    REFERENCE_DATABASE=/tmp/reference.sqlite3 gunicorn --chdir benchmarks/reference app:app
    python benchmarks/reference/app.py build /tmp/reference.sqlite3 [--rows 100000]
"""
from __future__ import annotations

import datetime as dt
import os
import random
import sys

from flask import Flask, render_template, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Date, Integer, String, func, insert, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Institution(db.Model):
    __tablename__ = "institutions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    district: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(50))
    licence_until: Mapped[dt.date] = mapped_column(Date)


def create_app(path: str) -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    app.config["SECRET_KEY"] = "reference-only"
    db.init_app(app)

    @app.get("/hello")
    def hello():
        return "Hello, World!"

    @app.get("/institutions")
    def institutions():
        page = max(1, request.args.get("page", 1, type=int))
        rows = db.session.scalars(select(Institution).order_by(Institution.id).limit(21).offset((page - 1) * 20)).all()
        return render_template("institutions.html", rows=rows[:20], page=page, more=len(rows) > 20)

    return app


def build(path: str, rows: int) -> None:
    """The table, filled with `rows` rows of Chinese names in one transaction."""
    app = create_app(path)
    rng = random.Random(3)
    words = "启明星智慧树小蜜蜂七彩虹向日葵北极星新起点金钥匙"
    kinds = ("文化培训学校", "艺术培训中心", "体育培训中心", "科技培训中心")
    districts = ("西湖区", "上城区", "拱墅区", "滨江区", "萧山区", "余杭区")
    with app.app_context():
        db.create_all()
        if db.session.scalar(select(func.count()).select_from(Institution)):
            return
        db.session.execute(insert(Institution), [
            {"name": f"杭州市{rng.choice(districts)}{rng.choice(words)}{rng.choice(words)}{rng.choice(kinds)}",
             "district": rng.choice(districts), "kind": rng.choice(kinds),
             "licence_until": dt.date(2027, 1, 1) + dt.timedelta(days=rng.randrange(1000))} for _ in range(rows)])
        db.session.commit()


if __name__ == "__main__" and len(sys.argv) >= 3 and sys.argv[1] == "build":
    build(sys.argv[2], int(sys.argv[4]) if "--rows" in sys.argv else 100_000)
elif "REFERENCE_DATABASE" in os.environ:
    app = create_app(os.environ["REFERENCE_DATABASE"])
