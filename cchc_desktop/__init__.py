"""CCHC Desktop core: Qt-free domain, storage, import/export, reports and exchange."""

APP_NAME = "CCHC Desktop"
APP_VERSION = "0.1.0"
