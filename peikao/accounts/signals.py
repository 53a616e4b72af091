"""What accounts tells the rest of the system, without knowing who listens (the audit log)."""

from django.dispatch import Signal

# Sent with user= and membership= once a user acts in another of their roles.
role_switched = Signal()
# Sent with user= and membership= (the role acting, or None) once a user changed their password.
password_changed = Signal()
