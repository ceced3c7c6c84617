from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "neuroyard.accounts"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save, pre_save
        from rest_framework.authtoken.models import Token

        from neuroyard.accounts.tokens import (
            forget_deleted_token,
            forget_tokens_of_saved_user,
            revoke_tokens_when_the_password_changes,
        )

        pre_save.connect(
            revoke_tokens_when_the_password_changes,
            sender=get_user_model(),
            dispatch_uid="neuroyard-revoke-tokens-on-password-change",
        )
        post_delete.connect(
            forget_deleted_token, sender=Token, dispatch_uid="neuroyard-forget-deleted-token"
        )
        post_save.connect(
            forget_tokens_of_saved_user,
            sender=get_user_model(),
            dispatch_uid="neuroyard-forget-tokens-of-saved-user",
        )
