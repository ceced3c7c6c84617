"""Create the admin user for `make run` if there is none, and say how to log in."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the admin user (password from NEUROYARD_ADMIN_PASSWORD, else generated)."

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("--username", default=os.environ.get("NEUROYARD_ADMIN_USER", "admin"))

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        User = get_user_model()
        username = options["username"]
        password = os.environ.get("NEUROYARD_ADMIN_PASSWORD")
        user = User.objects.filter(username=username).first()
        if user is None:
            password = password or secrets.token_urlsafe(12)
            User.objects.create_superuser(username=username, email="", password=password)
            self.stdout.write(f"Created admin user '{username}' with password: {password}")
        elif password:
            user.set_password(password)
            user.save(update_fields=["password"])
            self.stdout.write(
                f"Admin user '{username}': password set from NEUROYARD_ADMIN_PASSWORD"
            )
        else:
            self.stdout.write(
                f"Admin user '{username}' exists (set NEUROYARD_ADMIN_PASSWORD to reset "
                "its password)."
            )
