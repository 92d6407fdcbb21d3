from __future__ import annotations

from stackward.collectors.files.configs import read_code_or_config
from tests.collectors.files.helpers import entry_for

LIMIT = 1024 * 1024


def test_jupyter_python_config_is_read_as_text() -> None:
    entry = entry_for("configs/jupyter_notebook_config.py")
    assert entry.detail == "jupyter server config"
    settings = read_code_or_config(entry, LIMIT).properties["jupyter_settings"]
    assert settings == {
        "ip": {"value": "*", "line": 2},
        "token": {"value": "empty", "line": 3},
        "allow_origin": {"value": "*", "line": 4},
    }


def test_jupyter_json_config_keeps_no_password_value() -> None:
    props = read_code_or_config(entry_for("configs/jupyter_server_config.json"), LIMIT).properties
    settings = props["jupyter_settings"]
    assert settings["token"]["value"] == "empty"
    assert settings["password"]["value"] == "set"
    assert settings["disable_check_xsrf"]["value"] is False
    assert "argon2" not in str(props)


def test_env_file_secrets_are_redacted_and_placeholders_ignored() -> None:
    props = read_code_or_config(entry_for("configs/app.env"), LIMIT).properties
    assert [(s["detector"], s["line"]) for s in props["secrets"]] == [
        ("aws_secret_access_key", 2),
        ("huggingface_token", 3),
    ]
    assert "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789" not in str(props)


def test_yaml_config_password_found_placeholder_ignored() -> None:
    props = read_code_or_config(entry_for("configs/settings.yaml"), LIMIT).properties
    assert [(s["detector"], s["line"]) for s in props["secrets"]] == [("password_assignment", 2)]
    assert "pr0d-Db-P@ssw0rd-77" not in str(props)
