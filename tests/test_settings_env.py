import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from povertyportal.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("raw", ["maybe", "2", "tru"])
def test_a_malformed_boolean_stops_the_process(monkeypatch, raw):
    monkeypatch.setenv("DEBUG", raw)
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", default=False)


def test_booleans_numbers_and_lists_are_read_strictly(monkeypatch):
    monkeypatch.setenv("X_BOOL", "Yes")
    monkeypatch.setenv("X_INT", "12")
    monkeypatch.setenv("X_LIST", "a.vn, b.vn")
    assert env_bool("X_BOOL", default=False) is True
    assert env_int("X_INT", default=0) == 12
    assert env_list("X_LIST", default=[]) == ["a.vn", "b.vn"]
    monkeypatch.setenv("X_INT", "twelve")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", default=0)
    monkeypatch.setenv("X_LIST", "a.vn,,b.vn")
    with pytest.raises(ImproperlyConfigured):
        env_list("X_LIST", default=[])


def _manage(*args, env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
            "SECURE_SSL_REDIRECT",
            "DEMO_DATA_ALLOWED",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True)


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _manage("check", env={"DEBUG": "0"})
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_settings_pass_the_deploy_check():
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "-A-long-random-production-secret-key-1234567890",
        "ALLOWED_HOSTS": "portal.danang.gov.vn",
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_interface_is_vietnamese_first(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


def test_pages_are_vietnamese_even_for_an_english_browser_until_the_user_switches(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in response.content.decode()
    client.cookies["django_language"] = "en"
    assert "Log in" in client.get("/accounts/login/").content.decode()


@pytest.mark.parametrize("raw", ["week", "0"])
def test_a_file_retention_that_is_not_a_positive_number_of_days_stops_the_process(raw):
    result = _manage("check", env={"DEBUG": "1", "FILE_RETENTION_DAYS": raw})
    assert result.returncode != 0 and "FILE_RETENTION_DAYS" in result.stderr
