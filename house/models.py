from django.db import models


class Throttle(models.Model):
    """One rate-limit counter: how many hits one (scope, client) made in the current window.

    See house/throttle.py. The key is an HMAC of the scope and the identifier, so
    no email or IP address is ever stored.
    """

    key = models.CharField(max_length=64, unique=True)
    count = models.PositiveIntegerField(default=0)
    # Indexed for the purge: DELETE ... WHERE expires_at <= now.
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        # The table the model had in the spa app: it moved here without a copy
        # (house/migrations/0001_initial.py).
        db_table = "spa_throttle"

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.count} until {self.expires_at:%Y-%m-%d %H:%M}"
