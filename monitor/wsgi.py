"""The WSGI entry point for production: `gunicorn -w 4 'monitor.wsgi:server'`."""

from monitor.app import create_app

app = create_app()
server = app.server
