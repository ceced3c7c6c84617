import pytest


@pytest.fixture(autouse=True)
def private_media_root(settings, tmp_path):  # noqa: ANN001, ANN201
    """Each API test stores files in its own folder, so 'nothing stored' can be checked."""
    settings.MEDIA_ROOT = tmp_path / "media"
