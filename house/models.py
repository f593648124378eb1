from django.db import models


class Throttle(models.Model):
    """One rate-limit counter: how many hits one (scope, client) made in the current window.

    See spa/throttle.py. The key is an HMAC of the scope and the identifier, so
    no email or IP address is ever stored.
    """

    key = models.CharField(max_length=64, unique=True)
    count = models.PositiveIntegerField(default=0)
    # Indexed for the purge: DELETE ... WHERE expires_at <= now.
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.count} until {self.expires_at:%Y-%m-%d %H:%M}"
