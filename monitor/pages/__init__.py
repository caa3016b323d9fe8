"""One module per screen: PATH, NAME, ROLES, `layout` and `register_callbacks(app)`."""

from monitor.pages import bedside, home, login

PAGES = (login, home, bedside)
__all__ = ["PAGES", "bedside", "home", "login"]
