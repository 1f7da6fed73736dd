"""Flask extensions, created unbound; `create_app` binds them."""
from __future__ import annotations

from flask_limiter import Limiter
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from portal.clientkey import client_key
from portal.db import Base
from portal.i18n import PortalBabel

db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
csrf = CSRFProtect()
babel = PortalBabel()
limiter = Limiter(key_func=client_key)
login_manager = LoginManager()
