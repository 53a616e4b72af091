"""What the tests of the chain share: the job that writes, and the raw SQL of a tamperer."""

from django.db import connection

from peikao.accounts.actor import Actor

JOB = Actor.system("test")


def raw_sql(sql, params=()):
    """What someone with write access to the database does, past the ORM's refusals."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
