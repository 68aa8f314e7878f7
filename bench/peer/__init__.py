"""The FastAPI + Pydantic v2 + SQLAlchemy ORM peer that ``bench.bench_reads`` measures Cadenza against."""
