from django.db import models


class BareRow(models.Model):
    note = models.CharField(max_length=20)

    def __str__(self) -> str:
        return self.note
