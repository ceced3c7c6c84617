"""Create the admin user for `make run` if there is none, and say how to log in.

A password given in NEUROYARD_ADMIN_PASSWORD must pass the site's password validators and is
never printed; only a generated one is shown, once, because nobody else knows it.
"""

import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the admin user (password from NEUROYARD_ADMIN_PASSWORD, else generated)."

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("--username", default=os.environ.get("NEUROYARD_ADMIN_USER", "admin"))

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        User = get_user_model()
        username = options["username"]
        password = os.environ.get("NEUROYARD_ADMIN_PASSWORD")
        user = User.objects.filter(username=username).first()
        if password:
            try:
                validate_password(password, user=user or User(username=username))
            except ValidationError as refusal:
                reasons = " ".join(refusal.messages)
                raise CommandError(
                    f"NEUROYARD_ADMIN_PASSWORD is too weak: {reasons} Choose a stronger one, "
                    "or unset it to have one generated."
                ) from None
        if user is None:
            generated = not password
            password = password or secrets.token_urlsafe(12)
            User.objects.create_superuser(username=username, email="", password=password)
            if generated:
                self.stdout.write(f"Created admin user '{username}' with password: {password}")
            else:
                self.stdout.write(
                    f"Created admin user '{username}' with the password in "
                    "NEUROYARD_ADMIN_PASSWORD."
                )
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
