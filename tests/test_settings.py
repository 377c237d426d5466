"""Settings read from the environment: the retrain hook's URL and token, from a file or a variable."""

from pathlib import Path

from driftboard.settings import Settings


def test_the_retrain_hook_is_off_by_default() -> None:
    assert Settings(_env_file=None).retrain_hook() is None  # type: ignore[call-arg]


def test_a_file_wins_over_the_variable_and_is_stripped(tmp_path: Path) -> None:
    url, token = tmp_path / "url", tmp_path / "token"
    url.write_text("https://retrain.example/hook\n")
    token.write_text("  s3cret\n")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        retrain_url="https://ignored.example",  # type: ignore[arg-type]
        retrain_url_file=url,
        retrain_token_file=token,
    )
    assert settings.retrain_hook() == ("https://retrain.example/hook", "s3cret")


def test_a_token_variable_stays_out_of_reprs() -> None:
    settings = Settings(_env_file=None, retrain_url="https://h.example", retrain_token="s3cret")  # type: ignore[call-arg, arg-type]
    assert settings.retrain_hook() == ("https://h.example", "s3cret")
    assert "s3cret" not in repr(settings)
    assert "h.example" not in repr(settings)  # a URL may carry a secret too


def test_variables_without_a_token_and_a_blank_url_is_off(tmp_path: Path) -> None:
    plain = Settings(_env_file=None, retrain_url="https://retrain.example/hook")  # type: ignore[call-arg, arg-type]
    assert plain.retrain_hook() == ("https://retrain.example/hook", None)
    blank = tmp_path / "url"
    blank.write_text("\n")
    assert Settings(_env_file=None, retrain_url_file=blank).retrain_hook() is None  # type: ignore[call-arg]
