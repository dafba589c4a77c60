"""Settings: environment variables (KIOSK_*) override a TOML file in the user config dir.

With no Ugmart credentials the kiosk runs against the embedded sandbox, using the example
credentials of the API documents. Secrets are SecretStr: never printed, never journaled.
"""

from __future__ import annotations

import ipaddress
import os
import stat
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

APP_NAME = "kiosk"

UGMART_DEFAULT_URL = "https://app.ugmart.ug/api"
UMS_DEFAULT_URL = "https://api.umeskiasoftwares.com/api/v1"

# The documents' own example credentials: what the embedded sandbox accepts.
SANDBOX_UGMART_EMAIL = "jane.doe@domain.com"
SANDBOX_UGMART_PASSWORD = "password"
SANDBOX_UGMART_ACCOUNT = "15B0D8D8BE"
SANDBOX_UMS_API_KEY = "VE5MTlkzRk06MTlwNjlkZWM="
SANDBOX_UMS_EMAIL = "example@gmail.com"
SANDBOX_UMS_ACCOUNT_ID = "UMPAY123456789"
SANDBOX_UMS_STATION_ID = "UMS26595527"

Mode = Literal["counter", "kiosk", "backoffice"]


def config_dir() -> Path:
    return Path(os.environ.get("KIOSK_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))


def config_file() -> Path:
    return config_dir() / "config.toml"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """Refuse plain http:// unless it points at this machine (the served sandbox)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return url.rstrip("/")
    if parts.scheme == "http" and _is_loopback(parts.hostname or ""):
        return url.rstrip("/")
    raise ValueError(f"{url!r}: only https:// URLs are allowed (http:// only on loopback)")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KIOSK_", extra="ignore")

    ugmart_url: str = UGMART_DEFAULT_URL
    ugmart_email: str | None = None
    ugmart_password: SecretStr | None = None
    ugmart_account: str | None = None

    ums_url: str = UMS_DEFAULT_URL
    ums_api_key: SecretStr | None = None
    ums_email: str | None = None
    ums_account_id: str | None = None
    ums_sender_id: str = "UMS_SMS"
    ums_station_id: str | None = None

    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir(APP_NAME)))

    mode: Mode = "counter"
    theme: str | None = None
    idle_timeout: float = 90.0
    operator_pin_hash: str | None = None
    low_float_threshold: int = 50_000
    catalog_ttl: float = 300.0
    http_timeout: float = 20.0
    stk_timeout: float = 90.0
    reconcile_grace: float = 60.0
    application: str = "Kiosk"
    callback_url: str = "http://127.0.0.1:8787/ugmart/card"
    operator: str = "counter-1"
    allow_open_config: bool = False

    @field_validator("ugmart_url", "ums_url")
    @classmethod
    def _secure_url(cls, value: str) -> str:
        return check_url(value)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=config_file()),
        )

    @property
    def sandbox(self) -> bool:
        """No Ugmart credentials configured: run against the embedded sandbox."""
        return not (self.ugmart_email and self.ugmart_password)

    @property
    def journal_path(self) -> Path:
        """Sandbox sales never share a journal with a live account's."""
        name = "journal-sandbox.sqlite3" if self.sandbox else "journal.sqlite3"
        return self.data_dir / name

    def ugmart_credentials(self) -> tuple[str, SecretStr, str]:
        """Email, password and collection account: the configured ones or the sandbox's."""
        if self.sandbox:
            return (
                SANDBOX_UGMART_EMAIL,
                SecretStr(SANDBOX_UGMART_PASSWORD),
                self.ugmart_account or SANDBOX_UGMART_ACCOUNT,
            )
        assert self.ugmart_email and self.ugmart_password
        return self.ugmart_email, self.ugmart_password, self.ugmart_account or ""

    def ums_credentials(self) -> tuple[SecretStr, str, str, str]:
        """API key, email, UMS Pay account id and hotspot station id."""
        if self.ums_api_key is None and self.sandbox:
            return (
                SecretStr(SANDBOX_UMS_API_KEY),
                self.ums_email or SANDBOX_UMS_EMAIL,
                self.ums_account_id or SANDBOX_UMS_ACCOUNT_ID,
                self.ums_station_id or SANDBOX_UMS_STATION_ID,
            )
        return (
            self.ums_api_key or SecretStr(""),
            self.ums_email or "",
            self.ums_account_id or "",
            self.ums_station_id or "",
        )


def config_file_problem(path: Path | None = None) -> str | None:
    """A config file holding secrets must not be readable by group or others."""
    path = path or config_file()
    if not path.exists():
        return None
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (
            f"{path} is readable by other users (mode {mode:o}). "
            f"Run: chmod 600 {path}  (or set KIOSK_ALLOW_OPEN_CONFIG=1 to start anyway)"
        )
    return None
