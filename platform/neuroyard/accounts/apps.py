from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "neuroyard.accounts"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_save

        from neuroyard.accounts.tokens import revoke_tokens_when_the_password_changes

        pre_save.connect(
            revoke_tokens_when_the_password_changes,
            sender=get_user_model(),
            dispatch_uid="neuroyard-revoke-tokens-on-password-change",
        )
