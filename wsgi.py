"""Entry point for gunicorn: `gunicorn wsgi:app`. Without PORTAL_ENV this is production."""
from portal import create_app
from portal.config import environment_name

app = create_app(environment_name(default="production"), serving=True)
