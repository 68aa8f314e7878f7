"""The Litestar web application: ``uvicorn api.app:create_app --factory``."""
